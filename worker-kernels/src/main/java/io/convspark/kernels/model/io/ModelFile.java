package io.convspark.kernels.model.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.convspark.kernels.fs.AtomicFile;
import io.convspark.kernels.layers.Parameter;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.ModelBuildException;
import io.convspark.kernels.model.ModelDefinition;
import io.convspark.kernels.optimizers.Optimizer;
import io.convspark.kernels.optimizers.Optimizers;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model file {@code *.convspark}, format {@value #FORMAT} version {@value #FORMAT_VERSION}: a
 * zip archive with these entries, in this order:
 * <dl>
 *   <dt>{@code manifest.json}</dt><dd>format name and version, convspark version, creation time
 *       (UTC, ISO-8601), model name, parameter count, and the size and SHA-256 of every other
 *       entry;</dd>
 *   <dt>{@code model.json}</dt><dd>the architecture, verbatim as {@link ModelDefinition} read it;</dd>
 *   <dt>{@code weights.bin}</dt><dd>every parameter (trainable ones, then non-trainable ones such
 *       as BatchNormalization's moving statistics) as a named float32 array ({@link NamedArrays}
 *       layout), named {@code layer/parameter};</dd>
 *   <dt>{@code optimizer.json}, {@code optimizer.bin}</dt><dd>(absent in a weights-only file) the
 *       optimizer's Keras name and {@code get_config()} and its iteration count; its state
 *       ({@code learning_rate} and each slot) as named arrays;</dd>
 *   <dt>{@code training.json}</dt><dd>the free-form training configuration (epoch, loss, metrics,
 *       batch size, normalizer, ...).</dd>
 * </dl>
 * Saving to a path replaces the file atomically. Loading rejects, with the file, the entry, what
 * was expected and what was found: a truncated or corrupt archive, a changed entry (SHA-256), a
 * missing entry, another format version, and weights that do not fit the architecture.
 */
public final class ModelFile {
    public static final String FORMAT = "convspark-model";
    public static final int FORMAT_VERSION = 1;
    /** The version of convspark recorded in the files it writes. */
    public static final String CONVSPARK_VERSION = "0.1.0";
    public static final String EXTENSION = ".convspark";

    static final String MANIFEST = "manifest.json";
    static final String MODEL = "model.json";
    static final String WEIGHTS = "weights.bin";
    static final String OPTIMIZER_CONFIG = "optimizer.json";
    static final String OPTIMIZER_STATE = "optimizer.bin";
    static final String TRAINING = "training.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFile() {
    }

    // ---------------------------------------------------------------- save

    /** Writes {@code saved} to {@code file}, atomically: the old file stays whole until the new one is. */
    public static void save(Path file, SavedModel saved) throws IOException {
        Map<String, byte[]> entries = entries(saved);
        AtomicFile.write(file, out -> ZipEntries.write(out, entries));
    }

    /** Writes a trainer's model, optimizer state and iteration count with {@code training}, atomically. */
    public static void save(Path file, Trainer trainer, Map<String, Object> training) throws IOException {
        save(file, SavedModel.of(trainer, training));
    }

    /** Writes {@code saved} to a stream (left open), e.g. a Hadoop FileSystem output stream. */
    public static void save(OutputStream out, SavedModel saved) throws IOException {
        ZipEntries.write(out, entries(saved));
    }

    private static Map<String, byte[]> entries(SavedModel saved) throws IOException {
        Model model = saved.model();
        ModelDefinition definition = model.definition();
        if (definition == null) {
            throw new IllegalArgumentException("model '" + model.name() + "' was assembled in code, not built from a "
                    + "definition; only models built by ModelDefinition can be saved (model.json holds the definition)");
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(MODEL, definition.json().getBytes(StandardCharsets.UTF_8));
        entries.put(WEIGHTS, NamedArrays.encode(weights(model)));
        Optimizer optimizer = saved.optimizer();
        if (optimizer != null) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("name", optimizer.name());
            config.put("config", optimizer.config());
            config.put("iterations", saved.iterations());
            entries.put(OPTIMIZER_CONFIG, JSON.writeValueAsBytes(config));
            entries.put(OPTIMIZER_STATE, NamedArrays.encode(optimizer.state()));
        }
        entries.put(TRAINING, JSON.writeValueAsBytes(saved.training()));
        Map<String, byte[]> all = new LinkedHashMap<>();
        all.put(MANIFEST, Manifest.describe(model.name(), model.parameterCount(), entries).toJson());
        all.putAll(entries);
        return all;
    }

    private static Map<String, float[]> weights(Model model) {
        Map<String, float[]> arrays = new LinkedHashMap<>();
        for (Parameter p : model.parameters().all()) {
            float[] v = new float[p.size()];
            System.arraycopy(p.values(), p.offset(), v, 0, p.size());
            arrays.put(p.name(), v);
        }
        return arrays;
    }

    // ---------------------------------------------------------------- load

    /** Reads a model file; errors name the file. */
    public static SavedModel load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString());
        }
    }

    /** Reads a model file from a stream (not closed); {@code source} names it in errors. */
    public static SavedModel load(InputStream in, String source) throws IOException {
        Map<String, byte[]> entries = ZipEntries.read(in, source);
        Iterator<String> names = entries.keySet().iterator();
        if (!names.next().equals(MANIFEST)) {
            throw new ModelFileException(source + ": expected '" + MANIFEST + "' as the first zip entry, found "
                    + new ArrayList<>(entries.keySet()));
        }
        Manifest manifest = Manifest.parse(entries.get(MANIFEST), source);
        manifest.verify(entries, source);
        Model model = buildModel(required(entries, MODEL, source), source);
        if (model.parameterCount() != manifest.parameterCount()) {
            throw ModelFileException.inEntry(source, MANIFEST, "field 'parameter_count': the architecture in "
                    + MODEL + " has " + model.parameterCount() + " parameters, the manifest says "
                    + manifest.parameterCount());
        }
        loadWeights(model, NamedArrays.decode(required(entries, WEIGHTS, source), source, WEIGHTS), source);
        Map<String, Object> training = jsonObject(required(entries, TRAINING, source), source, TRAINING);
        byte[] optimizerConfig = entries.get(OPTIMIZER_CONFIG);
        byte[] optimizerState = entries.get(OPTIMIZER_STATE);
        if ((optimizerConfig == null) != (optimizerState == null)) {
            String missing = optimizerConfig == null ? OPTIMIZER_CONFIG : OPTIMIZER_STATE;
            throw ModelFileException.inEntry(source, missing, "missing: the optimizer needs both " + OPTIMIZER_CONFIG
                    + " and " + OPTIMIZER_STATE);
        }
        if (optimizerConfig == null) {
            return new SavedModel(model, null, 0, training);
        }
        Map<String, Object> config = jsonObject(optimizerConfig, source, OPTIMIZER_CONFIG);
        long iterations = iterations(config, source);
        Optimizer optimizer = optimizer(config, source);
        Map<String, float[]> state = NamedArrays.decode(optimizerState, source, OPTIMIZER_STATE);
        for (Map.Entry<String, float[]> slot : state.entrySet()) {
            if (!slot.getKey().equals(Optimizer.LEARNING_RATE_KEY) && slot.getValue().length
                    != model.parameters().trainableCount()) {
                throw ModelFileException.inEntry(source, OPTIMIZER_STATE, "slot '" + slot.getKey() + "': expected "
                        + model.parameters().trainableCount() + " values (one per trainable parameter), found "
                        + slot.getValue().length);
            }
        }
        try {
            optimizer.loadState(state, iterations);
        } catch (IllegalArgumentException e) {
            throw ModelFileException.inEntry(source, OPTIMIZER_STATE, e.getMessage(), e);
        }
        return new SavedModel(model, optimizer, iterations, training);
    }

    private static byte[] required(Map<String, byte[]> entries, String name, String source)
            throws ModelFileException {
        byte[] data = entries.get(name);
        if (data == null) {
            throw ModelFileException.inEntry(source, name, "missing: a model file holds " + List.of(MANIFEST, MODEL,
                    WEIGHTS, TRAINING) + " (and optionally " + OPTIMIZER_CONFIG + ", " + OPTIMIZER_STATE
                    + "), found " + entries.keySet());
        }
        return data;
    }

    private static Model buildModel(byte[] json, String source) throws ModelFileException {
        try {
            return ModelDefinition.parse(new String(json, StandardCharsets.UTF_8), source + "!" + MODEL).build(0);
        } catch (ModelBuildException | IllegalArgumentException e) {
            throw ModelFileException.inEntry(source, MODEL, e.getMessage(), e);
        }
    }

    private static void loadWeights(Model model, Map<String, float[]> arrays, String source)
            throws ModelFileException {
        List<Parameter> params = model.parameters().all();
        if (arrays.size() != params.size()) {
            throw ModelFileException.inEntry(source, WEIGHTS, "expected " + params.size() + " arrays (the "
                    + "parameters of model '" + model.name() + "'), found " + arrays.size());
        }
        Iterator<Map.Entry<String, float[]>> it = arrays.entrySet().iterator();
        for (Parameter p : params) {
            Map.Entry<String, float[]> a = it.next();
            if (!a.getKey().equals(p.name())) {
                throw ModelFileException.inEntry(source, WEIGHTS, "expected parameter '" + p.name() + "' here, found '"
                        + a.getKey() + "'");
            }
            if (a.getValue().length != p.size()) {
                throw ModelFileException.inEntry(source, WEIGHTS, "parameter '" + p.name() + "': expected "
                        + p.size() + " values (shape " + p.shape() + "), found " + a.getValue().length);
            }
        }
        for (Parameter p : params) {
            float[] v = arrays.get(p.name());
            System.arraycopy(v, 0, p.values(), p.offset(), v.length);
        }
    }

    private static Map<String, Object> jsonObject(byte[] json, String source, String entry)
            throws ModelFileException {
        try {
            Map<String, Object> map = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {
            });
            if (map == null) {
                throw ModelFileException.inEntry(source, entry, "expected a JSON object, found null");
            }
            return map;
        } catch (IOException e) {
            throw ModelFileException.inEntry(source, entry, "expected a JSON object: " + e.getMessage(), e);
        }
    }

    private static long iterations(Map<String, Object> config, String source) throws ModelFileException {
        if (config.get("iterations") instanceof Number n && n.longValue() >= 0 && n.doubleValue() == n.longValue()) {
            return n.longValue();
        }
        throw ModelFileException.inEntry(source, OPTIMIZER_CONFIG, "field 'iterations': expected an integer >= 0, "
                + "found " + config.get("iterations"));
    }

    private static Optimizer optimizer(Map<String, Object> config, String source) throws ModelFileException {
        Object name = config.get("name");
        Object settings = config.get("config");
        if (!(name instanceof String n) || !(settings instanceof Map<?, ?> s)) {
            throw ModelFileException.inEntry(source, OPTIMIZER_CONFIG, "expected {\"name\": NAME, \"config\": {...}, "
                    + "\"iterations\": N}, found " + config);
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, ?> typed = (Map<String, ?>) s;
            return Optimizers.parse(n, typed);
        } catch (IllegalArgumentException e) {
            throw ModelFileException.inEntry(source, OPTIMIZER_CONFIG, e.getMessage(), e);
        }
    }
}
