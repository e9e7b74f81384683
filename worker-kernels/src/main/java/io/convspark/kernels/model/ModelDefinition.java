package io.convspark.kernels.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.convspark.kernels.layers.Layer;
import io.convspark.kernels.tensor.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * A model definition as data: the JSON format of {@code conf/models/*.json}, readable by people who
 * know Keras. Layers use Keras' class names and config keys:
 *
 * <pre>{@code
 * {
 *   "name": "mnist-deitel",
 *   "input": {"channels": 1, "height": 28, "width": 28},      // or {"features": 784}
 *   "layers": [
 *     {"type": "Conv2D", "filters": 64, "kernel_size": 3, "activation": "relu"},
 *     {"type": "MaxPooling2D", "pool_size": 2},
 *     ...
 *   ]
 * }
 * }</pre>
 *
 * Each layer may have a {@code name} (default: Keras-style {@code conv2d}, {@code conv2d_1}, ...)
 * and {@code inputs}, a list of earlier layer names ({@code "input"} is the model input); without
 * {@code inputs} a layer is fed by the previous one, so plain lists are Sequential models and
 * {@code inputs} makes graphs (residual {@code Add}, Inception {@code Concatenate}).
 * The original text is kept so model files can store the architecture verbatim.
 */
public final class ModelDefinition {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final String json;
    private final ObjectNode root;

    private ModelDefinition(String source, String json, ObjectNode root) {
        this.source = source;
        this.json = json;
        this.root = root;
    }

    /** Reads a definition file; errors name the file. */
    public static ModelDefinition read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelBuildException("cannot read model definition " + path + ": " + e, e);
        }
        return parse(text, path.toString());
    }

    /** Parses definition text; {@code source} names it in error messages. */
    public static ModelDefinition parse(String json, String source) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ModelBuildException(source + ": not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        if (node == null || !node.isObject()) {
            throw new ModelBuildException(source + ": expected a JSON object with 'name', 'input' and 'layers'");
        }
        return new ModelDefinition(source, json, (ObjectNode) node);
    }

    public String name() {
        JsonNode n = root.get("name");
        return n != null && n.isTextual() ? n.asText() : "model";
    }

    /** The definition text as read. */
    public String json() {
        return json;
    }

    public String source() {
        return source;
    }

    public Shape inputShape() {
        JsonNode in = root.get("input");
        if (in == null || !in.isObject()) {
            throw new ModelBuildException(source + ": field 'input': required, expected {\"channels\": C, \"height\": H, "
                    + "\"width\": W} or {\"features\": D}");
        }
        if (in.has("features")) {
            return Shape.vector(positive(in, "features"));
        }
        return Shape.image(positive(in, "channels"), positive(in, "height"), positive(in, "width"));
    }

    private int positive(JsonNode in, String f) {
        JsonNode v = in.get(f);
        if (v == null || !v.isIntegralNumber() || v.asInt() < 1) {
            throw new ModelBuildException(source + ": field 'input." + f + "': expected a positive integer, found "
                    + (v == null ? "nothing" : v.toString()));
        }
        return v.asInt();
    }

    /** Builds the model with parameters initialized from {@code seed}. */
    public Model build(long seed) {
        ModelBuilder builder = ModelBuilder.create(name(), inputShape());
        JsonNode layers = root.get("layers");
        if (layers == null || !layers.isArray() || layers.isEmpty()) {
            throw new ModelBuildException(source + ": field 'layers': required, expected a non-empty list of layers");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!List.of("name", "description", "input", "layers").contains(f)) {
                throw new ModelBuildException(source + ": unknown top-level field '" + f
                        + "'; expected name, description, input, layers");
            }
        }
        int i = 0;
        for (JsonNode l : layers) {
            i++;
            if (!l.isObject() || !l.hasNonNull("type") || !l.get("type").isTextual()) {
                throw new ModelBuildException(source + ": layer #" + i + ": expected an object with a 'type' such as "
                        + "\"Conv2D\", found " + l);
            }
            String type = l.get("type").asText();
            String canonical = LayerRegistry.canonicalType(type);
            if (canonical == null) {
                throw new ModelBuildException(source + ": layer #" + i + ": unknown type '" + type + "'; known types: "
                        + LayerRegistry.knownTypes());
            }
            String name = l.hasNonNull("name") ? l.get("name").asText()
                    : builder.uniqueName(LayerRegistry.defaultBaseName(canonical));
            LayerSpec spec = new LayerSpec(source, canonical, name, (ObjectNode) l);
            Layer layer = LayerRegistry.create(spec, seed);
            spec.rejectUnread();
            JsonNode inputs = l.get("inputs");
            if (inputs == null) {
                builder.add(layer);
            } else {
                if (!inputs.isArray() || inputs.isEmpty()) {
                    throw spec.error("inputs", "expected a non-empty list of layer names, found " + inputs);
                }
                List<String> names = new ArrayList<>();
                for (JsonNode x : inputs) {
                    names.add(x.asText());
                }
                builder.add(layer, names.toArray(new String[0]));
            }
        }
        Model model = builder.build(seed);
        model.definition(this);
        return model;
    }

    /** Keras' default layer base name: {@code Conv2D -> conv2d}, {@code MaxPooling2D -> max_pooling2d}. */
    static String snakeCase(String type) {
        String s = type.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
