package io.convspark.jobs.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A run's {@code metrics.json}: one JSON object, to which each step of a run adds its entries. */
public final class MetricsFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsFile() {
    }

    /**
     * Adds {@code entries} to the object in {@code file} (created when absent), replacing entries of the
     * same name and keeping the others in their order; written atomically.
     */
    public static void merge(Path file, Map<String, ?> entries) throws IOException {
        Map<String, Object> all = new LinkedHashMap<>();
        if (Files.exists(file)) {
            try {
                all.putAll(JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { }));
            } catch (IOException e) {
                throw new IOException("cannot add to " + file + ": it is not a JSON object (" + e.getMessage() + ")", e);
            }
        }
        all.putAll(entries);
        AtomicFiles.writeString(file, JSON.writeValueAsString(all));
    }
}
