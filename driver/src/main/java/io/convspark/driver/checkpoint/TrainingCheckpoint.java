package io.convspark.driver.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The complete state of a training run at a step boundary. Every replica holds the same state, so any
 * one of them can write it and all of them can resume from it. Randomness needs no saved generator:
 * shuffling, augmentation and dropout are pure functions of (seed, epoch, step, sample), all recorded.
 *
 * <p>File layout (big-endian): magic {@code "CSCK"}, format version, the fields below, then a CRC-32 of
 * everything before it. A truncated or altered file fails with a message naming it.
 *
 * @param epoch      the epoch to continue (0-based)
 * @param step       the step within {@code epoch} to continue at (0 = at its start)
 * @param iterations optimizer steps applied so far
 * @param values     trainable parameters (flat, as in the parameter store)
 * @param state      non-trainable state (BatchNormalization moving statistics)
 * @param optimizer  the optimizer's slots by name
 * @param history    one map of logs per finished epoch
 */
public record TrainingCheckpoint(int epoch, int step, long iterations, float[] values, float[] state,
                                 Map<String, float[]> optimizer, List<Map<String, Double>> history) {

    static final int MAGIC = 0x4353434B;
    static final int VERSION = 1;

    public void write(OutputStream out) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 4 * (values.length + state.length) * 3);
        DataOutputStream d = new DataOutputStream(bytes);
        d.writeInt(MAGIC);
        d.writeInt(VERSION);
        d.writeInt(epoch);
        d.writeInt(step);
        d.writeLong(iterations);
        writeFloats(d, values);
        writeFloats(d, state);
        d.writeInt(optimizer.size());
        for (Map.Entry<String, float[]> e : optimizer.entrySet()) {
            d.writeUTF(e.getKey());
            writeFloats(d, e.getValue());
        }
        d.writeInt(history.size());
        for (Map<String, Double> logs : history) {
            d.writeInt(logs.size());
            for (Map.Entry<String, Double> e : logs.entrySet()) {
                d.writeUTF(e.getKey());
                d.writeDouble(e.getValue());
            }
        }
        d.flush();
        CRC32 crc = new CRC32();
        byte[] body = bytes.toByteArray();
        crc.update(body);
        out.write(body);
        new DataOutputStream(out).writeInt((int) crc.getValue());
        out.flush();
    }

    /** Reads and verifies a checkpoint; {@code source} names it in errors. */
    public static TrainingCheckpoint read(InputStream in, String source) throws IOException {
        byte[] all = in.readAllBytes();
        if (all.length < 28) {
            throw new CheckpointException(source + ": " + all.length + " bytes, too short for a checkpoint (truncated?)");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 4);
        int stored = ((all[all.length - 4] & 0xFF) << 24) | ((all[all.length - 3] & 0xFF) << 16)
                | ((all[all.length - 2] & 0xFF) << 8) | (all[all.length - 1] & 0xFF);
        DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 4));
        int magic = d.readInt();
        if (magic != MAGIC) {
            throw new CheckpointException(source + ": not a convspark checkpoint (magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(MAGIC) + ")");
        }
        int version = d.readInt();
        if (version != VERSION) {
            throw new CheckpointException(source + ": checkpoint format version " + version + ", this build reads "
                    + VERSION);
        }
        if (stored != (int) crc.getValue()) {
            throw new CheckpointException(source + ": CRC mismatch (stored 0x" + Integer.toHexString(stored)
                    + ", computed 0x" + Long.toHexString(crc.getValue()) + "): the file is corrupt or truncated");
        }
        try {
            int epoch = d.readInt();
            int step = d.readInt();
            long iterations = d.readLong();
            float[] values = readFloats(d);
            float[] state = readFloats(d);
            int slots = d.readInt();
            Map<String, float[]> optimizer = new LinkedHashMap<>();
            for (int i = 0; i < slots; i++) {
                optimizer.put(d.readUTF(), readFloats(d));
            }
            int epochs = d.readInt();
            List<Map<String, Double>> history = new ArrayList<>();
            for (int i = 0; i < epochs; i++) {
                int n = d.readInt();
                Map<String, Double> logs = new LinkedHashMap<>();
                for (int k = 0; k < n; k++) {
                    logs.put(d.readUTF(), d.readDouble());
                }
                history.add(logs);
            }
            return new TrainingCheckpoint(epoch, step, iterations, values, state, optimizer, history);
        } catch (EOFException e) {
            throw new CheckpointException(source + ": ends in the middle of a field (inconsistent lengths)");
        }
    }

    /** Global step number: iterations, for naming files in order. */
    public long globalStep() {
        return iterations;
    }

    private static void writeFloats(DataOutputStream d, float[] a) throws IOException {
        d.writeInt(a.length);
        for (float v : a) {
            d.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0 || n > d.available() / 4) {
            throw new CheckpointException("array length " + n + " exceeds the bytes left (" + d.available() + ")");
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = d.readFloat();
        }
        return a;
    }
}
