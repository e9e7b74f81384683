package io.convspark.driver.progress;

import io.convspark.driver.allreduce.JobCredentials;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The progress stream's wire format. The server opens with a random nonce; the client answers with the
 * job id, its rank and HMAC-SHA256(secret, "convspark-progress" | nonce | rank); then events follow,
 * each a type byte and its fields. Big-endian, via Data streams.
 */
final class ProgressProtocol {
    static final int NONCE_BYTES = 32;
    static final byte STEP = 1;
    static final byte EPOCH = 2;
    static final byte MESSAGE = 3;
    /** Epoch boundary: epoch, logs, weights; the server answers stop (byte), reason (UTF), learning rate (float). */
    static final byte BOUNDARY = 4;
    private static final byte[] LABEL = "convspark-progress".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private ProgressProtocol() {
    }

    static byte[] mac(JobCredentials credentials, byte[] nonce, int rank) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(credentials.secret(), "HmacSHA256"));
            mac.update(LABEL);
            mac.update(nonce);
            mac.update(new byte[] {(byte) (rank >>> 24), (byte) (rank >>> 16), (byte) (rank >>> 8), (byte) rank});
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    static boolean macMatches(byte[] expected, byte[] found) {
        return MessageDigest.isEqual(expected, found);
    }

    static void writeLogs(DataOutputStream out, Map<String, Double> logs) throws IOException {
        out.writeShort(logs.size());
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue());
        }
    }

    static void writeFloats(DataOutputStream out, float[] a) throws IOException {
        out.writeInt(a.length);
        for (float v : a) {
            out.writeFloat(v);
        }
    }

    static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 28) {
            throw new IOException("implausible array length " + n);
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }

    static Map<String, Double> readLogs(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        Map<String, Double> logs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            logs.put(in.readUTF(), in.readDouble());
        }
        return logs;
    }
}
