package io.convspark.kernels.model.io;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The binary layout of {@code weights.bin} and {@code optimizer.bin}: named float arrays, all
 * little-endian.
 *
 * <pre>
 * bytes 0..3   magic "CSPA"
 * u32          layout version (1)
 * u32          number of arrays
 * per array:   u16 name length, name (UTF-8), u32 value count, float32 values
 * </pre>
 *
 * Nothing may follow the last array.
 */
final class NamedArrays {
    static final byte[] MAGIC = {'C', 'S', 'P', 'A'};
    static final int LAYOUT_VERSION = 1;

    private NamedArrays() {
    }

    static byte[] encode(Map<String, float[]> arrays) {
        long size = 12;
        for (Map.Entry<String, float[]> e : arrays.entrySet()) {
            size += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + 4L * e.getValue().length;
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(LAYOUT_VERSION).putInt(arrays.size());
        for (Map.Entry<String, float[]> e : arrays.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            b.putShort((short) name.length).put(name).putInt(e.getValue().length);
            for (float v : e.getValue()) {
                b.putFloat(v);
            }
        }
        return b.array();
    }

    /** Decodes an entry; errors name {@code source} and {@code entry}. */
    static Map<String, float[]> decode(byte[] bytes, String source, String entry) throws ModelFileException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw ModelFileException.inEntry(source, entry, "expected the magic bytes \"CSPA\", found \""
                        + new String(magic, StandardCharsets.ISO_8859_1) + "\"");
            }
            int version = b.getInt();
            if (version != LAYOUT_VERSION) {
                throw ModelFileException.inEntry(source, entry, "expected array layout version " + LAYOUT_VERSION
                        + ", found " + version);
            }
            int count = b.getInt();
            Map<String, float[]> arrays = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(name);
                String key = new String(name, StandardCharsets.UTF_8);
                int n = b.getInt();
                if (n < 0 || 4L * n > b.remaining()) {
                    throw ModelFileException.inEntry(source, entry, "array '" + key + "' declares " + Integer
                            .toUnsignedString(n) + " values but only " + b.remaining() / 4 + " follow");
                }
                float[] values = new float[n];
                b.asFloatBuffer().get(values);
                b.position(b.position() + 4 * n);
                if (arrays.put(key, values) != null) {
                    throw ModelFileException.inEntry(source, entry, "array '" + key + "' appears twice");
                }
            }
            if (b.hasRemaining()) {
                throw ModelFileException.inEntry(source, entry, "expected the end after " + count + " arrays, found "
                        + b.remaining() + " more bytes");
            }
            return arrays;
        } catch (BufferUnderflowException e) {
            throw ModelFileException.inEntry(source, entry, "truncated: ends inside its header or an array name ("
                    + bytes.length + " bytes)");
        }
    }
}
