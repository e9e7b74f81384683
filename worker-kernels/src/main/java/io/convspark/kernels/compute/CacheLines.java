package io.convspark.kernels.compute;

import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a float array's cache lines begin, so that a kernel can lay its workspace out from a line
 * boundary: a vector of 16 floats read from a 64-byte boundary touches one line, from anywhere else
 * two. On this project's Zen 5 machines a kernel that streams its operands from a buffer ran 1.65x
 * faster with the buffer aligned (ShortReductionGradient's winners' kernel).
 *
 * <p>The JVM exposes no array addresses and moves arrays when it collects garbage, so this is a hint
 * read at the moment of use: the address comes from the array's reference as {@code sun.misc.Unsafe}
 * reads it, decoded as compressed references are (their shift found by allocating two small arrays
 * one after the other). Where that cannot be done (no Unsafe, an unfamiliar layout) every offset is
 * 0. A wrong or stale offset only costs speed: callers use the offset they read for a whole pass, and
 * results do not depend on it.
 */
public final class CacheLines {
    /** Bytes in a cache line. */
    public static final int LINE_BYTES = 64;
    /** Floats in a cache line: the most {@link #floatOffset} returns is one less. */
    public static final int LINE_FLOATS = LINE_BYTES / Float.BYTES;

    private static final Logger LOG = LoggerFactory.getLogger(CacheLines.class);
    private static final sun.misc.Unsafe UNSAFE = unsafe();
    /** Bits a compressed reference is shifted by to give an address; -1 if addresses cannot be read. */
    private static final int SHIFT = referenceShift();
    private static final long HOLDER_BASE = UNSAFE == null ? 0 : sun.misc.Unsafe.ARRAY_OBJECT_BASE_OFFSET;
    private static final int FLOAT_BASE = UNSAFE == null ? 0 : sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET;

    private CacheLines() {
    }

    /** True if array addresses can be read here (else {@link #floatOffset} is always 0). */
    public static boolean known() {
        return SHIFT >= 0;
    }

    /**
     * The index {@code i} in {@code [0, 16)} at which {@code a[i]} begins a 64-byte cache line, as the
     * array lies now; 0 if that cannot be known.
     */
    public static int floatOffset(float[] a) {
        if (SHIFT < 0) {
            return 0;
        }
        long data = address(a) + FLOAT_BASE;
        int misaligned = (int) (data & (LINE_BYTES - 1));
        return misaligned == 0 || misaligned % Float.BYTES != 0 ? 0 : (LINE_BYTES - misaligned) / Float.BYTES;
    }

    /** The address of {@code o} modulo a large power of two (the heap's base is aligned far beyond a line). */
    private static long address(Object o) {
        Object[] holder = {o};
        if (sun.misc.Unsafe.ARRAY_OBJECT_INDEX_SCALE == 4) {
            return (UNSAFE.getInt(holder, HOLDER_BASE) & 0xFFFF_FFFFL) << SHIFT;
        }
        return UNSAFE.getLong(holder, HOLDER_BASE);
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debug("no sun.misc.Unsafe: workspaces are not aligned to cache lines", e);
            return null;
        }
    }

    /**
     * The shift of compressed references (0 or 3 for HotSpot's unscaled and zero-based modes; 0 for
     * full-width references): the distance between two empty byte arrays allocated one after the
     * other (16 bytes apart in a thread's allocation buffer) is 16 >> shift. Asked several times; -1
     * unless the answers agree.
     */
    private static int referenceShift() {
        if (UNSAFE == null) {
            return -1;
        }
        if (sun.misc.Unsafe.ARRAY_OBJECT_INDEX_SCALE != 4) {
            return 0;
        }
        int agreed = -2;
        for (int i = 0; i < 8; i++) {
            byte[] first = new byte[0];
            byte[] second = new byte[0];
            long step = (narrow(second) - narrow(first)) & 0xFFFF_FFFFL;
            int shift = Long.numberOfTrailingZeros(16) - Long.numberOfTrailingZeros(Math.max(step, 1));
            if (step == 0 || 16 >> shift != step || (agreed != -2 && agreed != shift)) {
                LOG.debug("compressed references of an unfamiliar layout: workspaces are not aligned to cache lines");
                return -1;
            }
            agreed = shift;
        }
        return agreed;
    }

    private static long narrow(Object o) {
        return UNSAFE.getInt(new Object[] {o}, (long) sun.misc.Unsafe.ARRAY_OBJECT_BASE_OFFSET) & 0xFFFF_FFFFL;
    }
}
