package io.convspark.kernels.train.callbacks;

import io.convspark.kernels.train.Callback;
import io.convspark.kernels.train.History;
import io.convspark.kernels.train.TrainingControl;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Keras' {@code CSVLogger}: one row per epoch, {@code epoch} (from 0) then the log keys sorted by
 * name (fixed at the first epoch; a missing value is written {@code NA}), flushed after every row.
 * With {@code append} an existing file is extended, without a second header if it has one. Lines
 * end with {@code \n}.
 */
public final class CSVLogger implements Callback {
    private final Path filename;
    private final String separator;
    private final boolean append;
    private BufferedWriter writer;
    private List<String> keys;
    private boolean writeHeader;

    /** Keras' defaults: {@code separator=","}, {@code append=False}. */
    public CSVLogger(Path filename) {
        this(filename, ",", false);
    }

    public CSVLogger(Path filename, String separator, boolean append) {
        if (separator.isEmpty()) {
            throw new IllegalArgumentException("CSVLogger: 'separator' must not be empty");
        }
        this.filename = filename;
        this.separator = separator;
        this.append = append;
    }

    @Override
    public void onTrainBegin(TrainingControl control) {
        try {
            Path parent = filename.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            boolean hasContent = Files.exists(filename) && Files.size(filename) > 0;
            writeHeader = !(append && hasContent);
            writer = append
                    ? Files.newBufferedWriter(filename, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)
                    : Files.newBufferedWriter(filename, StandardCharsets.UTF_8);
            keys = null;
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger: cannot open " + filename + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingControl control) {
        if (keys == null) {
            keys = new ArrayList<>(new TreeSet<>(logs.keySet()));
        }
        StringBuilder line = new StringBuilder();
        if (writeHeader) {
            line.append("epoch");
            for (String k : keys) {
                line.append(separator).append(k);
            }
            line.append('\n');
            writeHeader = false;
        }
        line.append(epoch);
        for (String k : keys) {
            Double v = logs.get(k);
            line.append(separator).append(v == null ? "NA" : v.toString());
        }
        line.append('\n');
        try {
            writer.write(line.toString());
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger: cannot write " + filename + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onTrainEnd(History history, TrainingControl control) {
        try {
            if (writer != null) {
                writer.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger: cannot close " + filename + ": " + e.getMessage(), e);
        } finally {
            writer = null;
        }
    }
}
