package io.convspark.driver.ml;

import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.data.BatchAssembler;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.io.ModelFile;
import io.convspark.kernels.model.io.SavedModel;
import io.convspark.kernels.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one partition: reads the model once from the broadcast model file, then streams the rows through
 * in mini-batches (decode into a reused uint8 batch, normalize, forward with the kernels on the task's
 * cores) and appends the prediction columns to each row, in input order. Memory holds one batch, never the
 * partition.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PartitionScorer.class);
    private static final int LOGGED_INVALID_PER_TASK = 5;

    private final Broadcast<byte[]> modelFile;
    private final ScoringSpec spec;
    private final ScoringCounters counters;

    PartitionScorer(Broadcast<byte[]> modelFile, ScoringSpec spec, ScoringCounters counters) {
        this.modelFile = modelFile;
        this.spec = spec;
        this.counters = counters;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        SavedModel saved;
        try {
            saved = ModelFile.load(new ByteArrayInputStream(modelFile.value()), "the broadcast model");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KernelExecutor executor = new KernelExecutor(Math.max(1, spec.threads()));
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> executor.close());
        }
        return new Batches(rows, saved.model(), saved.normalizer(), executor);
    }

    /** The lazily scored rows of one partition. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> input;
        private final Model model;
        private final StepContext ctx;
        private final ImageDataset batch;
        private final BatchAssembler assembler;
        private final OutputHead head;
        private final Row[] rows;
        private final String[] errors;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private int loggedInvalid;

        Batches(Iterator<Row> input, Model model, Normalizer normalizer, KernelExecutor executor) {
            this.input = input;
            this.model = model;
            this.ctx = new StepContext(executor, Gemms.get()).training(false);
            int n = spec.batchSize();
            var shape = model.inputShape();
            this.batch = new ImageDataset(new byte[n * spec.decoder().sampleSize()], new int[n], shape.channels(),
                    shape.height(), shape.width(), 1);
            this.assembler = new BatchAssembler(batch, normalizer, n, executor);
            this.head = new OutputHead(model.outputLayer().activation(), spec.topK());
            this.rows = new Row[n];
            this.errors = new String[n];
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && input.hasNext()) {
                scoreNextBatch();
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void scoreNextBatch() {
            int count = 0;
            int valid = 0;
            byte[] pixels = batch.pixels();
            int sample = spec.decoder().sampleSize();
            long t0 = System.nanoTime();
            long decodeNanos = 0;
            while (count < rows.length && input.hasNext()) {
                Row row = input.next();
                long d0 = System.nanoTime();
                try {
                    spec.decoder().decode(row.get(spec.featuresIndex()), pixels, valid * sample);
                    errors[count] = null;
                    valid++;
                } catch (InvalidImageException | RuntimeException e) {
                    errors[count] = name(row) + ": " + e.getMessage();
                    onInvalid(errors[count], e);
                }
                decodeNanos += System.nanoTime() - d0;
                rows[count++] = row;
            }
            long t1 = System.nanoTime();
            Tensor out = null;
            if (valid > 0) {
                assembler.fillRange(0, valid);
                out = model.forward(assembler.inputs(), ctx);
                counters.scored().add(valid);
            }
            long t2 = System.nanoTime();
            int k = 0;
            for (int i = 0; i < count; i++) {
                if (errors[i] == null) {
                    ready.add(append(rows[i], head.columns(out, k++, spec), null));
                } else if (spec.invalid() == InvalidImagePolicy.KEEP) {
                    ready.add(append(rows[i], head.nullColumns(spec), errors[i]));
                }
                rows[i] = null;
            }
            counters.decodeNanos().add(decodeNanos);
            counters.readNanos().add(t1 - t0 - decodeNanos);
            counters.forwardNanos().add(t2 - t1);
            counters.outputNanos().add(System.nanoTime() - t2);
        }

        private void onInvalid(String message, Exception e) {
            if (spec.invalid() == InvalidImagePolicy.ERROR) {
                throw new IllegalArgumentException("cannot score image " + message
                        + " (set handleInvalid to skip or keep to go on without it)", e);
            }
            counters.invalid().add(1);
            if (loggedInvalid++ < LOGGED_INVALID_PER_TASK) {
                LOG.warn("{} invalid image {}", spec.invalid() == InvalidImagePolicy.SKIP ? "Skipping" : "Keeping",
                        message);
            }
        }

        private String name(Row row) {
            if (spec.pathIndex() >= 0 && !row.isNullAt(spec.pathIndex())) {
                return "'" + row.getString(spec.pathIndex()) + "'";
            }
            Object v = row.get(spec.featuresIndex());
            if (v instanceof Row struct && struct.schema() != null
                    && java.util.Arrays.asList(struct.schema().fieldNames()).contains("origin")) {
                return "'" + struct.getString(struct.fieldIndex("origin")) + "'";
            }
            return "(row without a path column)";
        }

        private Row append(Row row, Object[] columns, String error) {
            int base = row.length();
            boolean withError = spec.invalid() == InvalidImagePolicy.KEEP;
            Object[] values = new Object[base + columns.length + (withError ? 1 : 0)];
            for (int i = 0; i < base; i++) {
                values[i] = row.get(i);
            }
            System.arraycopy(columns, 0, values, base, columns.length);
            if (withError) {
                values[values.length - 1] = error;
            }
            return RowFactory.create(values);
        }
    }
}
