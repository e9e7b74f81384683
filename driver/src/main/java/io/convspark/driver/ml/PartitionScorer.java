package io.convspark.driver.ml;

import io.convspark.kernels.tensor.Tensor;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one partition: borrows this executor's replica of the broadcast model ({@link ScoringReplicaPool}:
 * built by the first task, reused by the next), then streams the rows through in mini-batches (decode into
 * the replica's uint8 batch, normalize, forward with the kernels on the task's cores) and appends the
 * prediction columns to each row, in input order. Memory holds one batch, never the partition.
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
        byte[] file = modelFile.value();
        TaskContext task = TaskContext.get();
        if (task == null) { // called outside a Spark task (nothing would give the replica back): a private one
            return new Batches(rows, ScoringReplica.build(file, spec));
        }
        String key = replicaKey(file);
        ScoringReplicaPool<ScoringReplica> pool = ScoringReplicaPool.executorWide();
        ScoringReplica replica = pool.borrow(key, () -> ScoringReplica.build(file, spec));
        // a failed or killed task may have left kernel threads running on it: such a replica is closed, not reused
        AtomicBoolean failed = new AtomicBoolean();
        task.addTaskFailureListener((org.apache.spark.util.TaskFailureListener) (ctx, error) -> failed.set(true));
        task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> {
            if (failed.get() || ctx.isInterrupted()) {
                replica.close();
            } else {
                pool.giveBack(key, replica);
            }
        });
        return new Batches(rows, replica);
    }

    /** Which replicas this task can reuse: same model file (by content) and the same batch shape and threads. */
    private String replicaKey(byte[] file) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(file);
            return HexFormat.of().formatHex(digest) + " batch " + spec.batchSize() + " sample "
                    + spec.decoder().sampleSize() + " threads " + spec.threads();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The lazily scored rows of one partition. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> input;
        private final ScoringReplica replica;
        private final OutputHead head;
        private final Row[] rows;
        private final String[] errors;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private int loggedInvalid;

        Batches(Iterator<Row> input, ScoringReplica replica) {
            this.input = input;
            this.replica = replica;
            this.head = new OutputHead(replica.model().outputLayer().activation(), spec.topK());
            this.rows = new Row[spec.batchSize()];
            this.errors = new String[spec.batchSize()];
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
            byte[] pixels = replica.pixels();
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
                out = replica.forward(valid);
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
