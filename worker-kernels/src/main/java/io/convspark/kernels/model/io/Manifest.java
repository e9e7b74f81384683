package io.convspark.kernels.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.convspark.kernels.data.Checksums;
import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code manifest.json}, the first entry of a model file: what the file is (format name and
 * version, the convspark version that wrote it, when), what model it holds (name, parameter
 * count) and the size and SHA-256 of every other entry, checked on load.
 */
record Manifest(String format, int formatVersion, String convsparkVersion, String created, String modelName,
                long parameterCount, Map<String, EntryDigest> entries) {
    /** Size and SHA-256 (lower-case hex) of one entry. */
    record EntryDigest(long bytes, String sha256) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The manifest of entries about to be written. */
    static Manifest describe(String modelName, long parameterCount, Map<String, byte[]> entries) {
        Map<String, EntryDigest> digests = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            digests.put(e.getKey(), new EntryDigest(e.getValue().length, Checksums.sha256(e.getValue())));
        }
        return new Manifest(ModelFile.FORMAT, ModelFile.FORMAT_VERSION, ModelFile.CONVSPARK_VERSION,
                Instant.now().toString(), modelName, parameterCount, digests);
    }

    byte[] toJson() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", format);
        root.put("format_version", formatVersion);
        root.put("convspark_version", convsparkVersion);
        root.put("created", created);
        root.put("model_name", modelName);
        root.put("parameter_count", parameterCount);
        ObjectNode list = root.putObject("entries");
        for (Map.Entry<String, EntryDigest> e : entries.entrySet()) {
            list.putObject(e.getKey()).put("bytes", e.getValue().bytes()).put("sha256", e.getValue().sha256());
        }
        return JSON.writeValueAsBytes(root);
    }

    /** Reads a manifest, rejecting another format or version; errors name {@code source}. */
    static Manifest parse(byte[] json, String source) throws ModelFileException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw ModelFileException.inEntry(source, ModelFile.MANIFEST, "not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw ModelFileException.inEntry(source, ModelFile.MANIFEST, "expected a JSON object, found " + root);
        }
        String format = text(root, "format", source);
        if (!format.equals(ModelFile.FORMAT)) {
            throw ModelFileException.inEntry(source, ModelFile.MANIFEST, "field 'format': expected \""
                    + ModelFile.FORMAT + "\", found \"" + format + "\"");
        }
        JsonNode version = root.get("format_version");
        if (version == null || !version.isInt() || version.asInt() != ModelFile.FORMAT_VERSION) {
            throw ModelFileException.inEntry(source, ModelFile.MANIFEST, "field 'format_version': expected "
                    + ModelFile.FORMAT_VERSION + " (the only version this convspark " + ModelFile.CONVSPARK_VERSION
                    + " reads), found " + version);
        }
        JsonNode count = root.get("parameter_count");
        if (count == null || !count.canConvertToLong()) {
            throw ModelFileException.inEntry(source, ModelFile.MANIFEST, "field 'parameter_count': expected an "
                    + "integer, found " + count);
        }
        JsonNode list = root.get("entries");
        if (list == null || !list.isObject()) {
            throw ModelFileException.inEntry(source, ModelFile.MANIFEST, "field 'entries': expected an object of "
                    + "{\"bytes\", \"sha256\"} per entry, found " + list);
        }
        Map<String, EntryDigest> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode bytes = e.getValue().get("bytes");
            JsonNode sha = e.getValue().get("sha256");
            if (bytes == null || !bytes.canConvertToLong() || sha == null || !sha.isTextual()) {
                throw ModelFileException.inEntry(source, ModelFile.MANIFEST, "field 'entries." + e.getKey()
                        + "': expected {\"bytes\": N, \"sha256\": HEX}, found " + e.getValue());
            }
            entries.put(e.getKey(), new EntryDigest(bytes.asLong(), sha.asText()));
        }
        return new Manifest(format, version.asInt(), text(root, "convspark_version", source),
                text(root, "created", source), text(root, "model_name", source), count.asLong(), entries);
    }

    private static String text(JsonNode root, String field, String source) throws ModelFileException {
        JsonNode v = root.get(field);
        if (v == null || !v.isTextual()) {
            throw ModelFileException.inEntry(source, ModelFile.MANIFEST, "field '" + field + "': expected a string, "
                    + "found " + v);
        }
        return v.asText();
    }

    /**
     * Checks that the file holds exactly the listed entries with the listed sizes and hashes, so a
     * changed byte anywhere is reported with the entry it is in.
     */
    void verify(Map<String, byte[]> found, String source) throws ModelFileException {
        for (Map.Entry<String, EntryDigest> e : entries.entrySet()) {
            byte[] data = found.get(e.getKey());
            if (data == null) {
                throw ModelFileException.inEntry(source, e.getKey(), "listed in " + ModelFile.MANIFEST
                        + " but missing from the file");
            }
            if (data.length != e.getValue().bytes()) {
                throw ModelFileException.inEntry(source, e.getKey(), "expected " + e.getValue().bytes()
                        + " bytes (from " + ModelFile.MANIFEST + "), found " + data.length);
            }
            String actual = Checksums.sha256(data);
            if (!actual.equals(e.getValue().sha256())) {
                throw ModelFileException.inEntry(source, e.getKey(), "SHA-256 mismatch: expected "
                        + e.getValue().sha256() + " (from " + ModelFile.MANIFEST + "), found " + actual);
            }
        }
        for (String name : found.keySet()) {
            if (!name.equals(ModelFile.MANIFEST) && !entries.containsKey(name)) {
                throw ModelFileException.inEntry(source, name, "present in the file but not listed in "
                        + ModelFile.MANIFEST);
            }
        }
    }
}
