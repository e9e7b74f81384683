package io.convspark.driver.allreduce;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Timeouts and buffer sizes of a ring. Every wait is bounded, so a dead or silent peer becomes an
 * {@link AllReduceException}, never a hang.
 *
 * @param connectTimeout   how long ring setup may take: connecting to the right neighbour (retried
 *                         while refused) and waiting for the left one to connect
 * @param handshakeTimeout how long one connection may take to complete its handshake; a
 *                         silent stranger is dropped after it
 * @param readTimeout      inside an all-reduce, the longest time without any progress (no byte
 *                         received from the left, none accepted by the right) before the call fails;
 *                         it covers a straggler's whole step, so it must exceed the slowest step
 * @param chunkBytes       pipelining unit: received data is reduced and forwarded chunk by chunk
 *                         (a multiple of 4, from 1 KiB)
 * @param socketBufferBytes SO_SNDBUF/SO_RCVBUF of ring connections; 0 keeps the system default
 *                         (and Linux auto-tuning)
 * @param bucketFloats     training reduces the gradient in buckets of this many floats, from the
 *                         last layer's end down, each as soon as backward has finished it, so the
 *                         transfer overlaps the earlier layers' backward; 0 reduces the whole
 *                         gradient in one call after backward; {@link #AUTO_BUCKET} (the default):
 *                         see {@link #bucketFloatsFor}
 */
public record AllReduceSettings(Duration connectTimeout, Duration handshakeTimeout, Duration readTimeout,
                                int chunkBytes, int socketBufferBytes, int bucketFloats) implements Serializable {

    public static final int MIN_CHUNK_BYTES = 1024;
    /** {@code bucketFloats} that lets {@link #bucketFloatsFor} decide by where the replicas run. */
    public static final int AUTO_BUCKET = -1;
    /** Bucket size of the overlapped reduction when {@link #AUTO_BUCKET} chooses it: 128 Ki floats. */
    public static final int DEFAULT_BUCKET_FLOATS = 128 * 1024;

    public AllReduceSettings {
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("handshakeTimeout", handshakeTimeout);
        requirePositive("readTimeout", readTimeout);
        if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes % Float.BYTES != 0) {
            throw new IllegalArgumentException("chunkBytes must be a multiple of 4 and at least "
                    + MIN_CHUNK_BYTES + ", found " + chunkBytes);
        }
        if (bucketFloats < AUTO_BUCKET) {
            throw new IllegalArgumentException("bucketFloats must be >= 0 (0 = no overlap) or " + AUTO_BUCKET
                    + " (auto), found " + bucketFloats);
        }
        if (socketBufferBytes < 0) {
            throw new IllegalArgumentException(
                    "socketBufferBytes must be >= 0 (0 = system default), found " + socketBufferBytes);
        }
    }

    /** connect 30 s, handshake 10 s, read 60 s, 128 KiB chunks, system socket buffers, automatic buckets. */
    public static AllReduceSettings defaults() {
        return new AllReduceSettings(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(60),
                128 * 1024, 0, AUTO_BUCKET);
    }

    /**
     * The bucket size a ring of replicas on {@code hosts} (one entry per rank) uses: the configured one,
     * or for {@link #AUTO_BUCKET} no overlap (0) when every replica runs on one host and
     * {@link #DEFAULT_BUCKET_FLOATS} otherwise. On one host the "transfer" is the kernel copying between
     * sockets: CPU work that competes with backward for the same cores instead of hiding behind it
     * (measured with 2 executors x 1 core, mnist-deitel, {@code bench/spark-scaling}: one reduction after
     * backward was as fast or faster in all of 7 alternating comparisons, by 0.2-15%). Every rank sees the
     * same list, so all choose alike.
     */
    public int bucketFloatsFor(List<String> hosts) {
        if (bucketFloats != AUTO_BUCKET) {
            return bucketFloats;
        }
        return hosts.stream().distinct().count() <= 1 ? 0 : DEFAULT_BUCKET_FLOATS;
    }

    public AllReduceSettings withBucketFloats(int floats) {
        return new AllReduceSettings(connectTimeout, handshakeTimeout, readTimeout, chunkBytes, socketBufferBytes,
                floats);
    }

    public AllReduceSettings withConnectTimeout(Duration timeout) {
        return new AllReduceSettings(timeout, handshakeTimeout, readTimeout, chunkBytes, socketBufferBytes, bucketFloats);
    }

    public AllReduceSettings withHandshakeTimeout(Duration timeout) {
        return new AllReduceSettings(connectTimeout, timeout, readTimeout, chunkBytes, socketBufferBytes, bucketFloats);
    }

    public AllReduceSettings withReadTimeout(Duration timeout) {
        return new AllReduceSettings(connectTimeout, handshakeTimeout, timeout, chunkBytes, socketBufferBytes, bucketFloats);
    }

    public AllReduceSettings withChunkBytes(int bytes) {
        return new AllReduceSettings(connectTimeout, handshakeTimeout, readTimeout, bytes, socketBufferBytes, bucketFloats);
    }

    public AllReduceSettings withSocketBufferBytes(int bytes) {
        return new AllReduceSettings(connectTimeout, handshakeTimeout, readTimeout, chunkBytes, bytes, bucketFloats);
    }

    private static void requirePositive(String field, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be a positive duration, found " + value);
        }
    }
}
