package io.convspark.driver.allreduce;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sum all-reduce of a {@code float[]} in place between the ranks of a ring: reduce-scatter then
 * all-gather, {@code 2(world-1)} phases (see {@code RingSchedule}), each rank sending
 * {@code 2(world-1)/world} of the array and receiving as much, whatever the world size.
 *
 * <p>Pipelined: received bytes are reduced chunk by chunk ({@link AllReduceSettings#chunkBytes()})
 * and each reduced chunk is forwarded to the right neighbour at once, while the next one arrives.
 * One thread drives both non-blocking connections from one selector: no sender thread, no copy
 * besides the bytes-to-floats one, no allocation per call.
 *
 * <p>Deterministic: every segment is summed along the ring in a fixed order and then copied, so all
 * ranks end with bit-identical arrays, call after call.
 *
 * <p>Each call starts with a 16-byte header (call number, array length) so ranks that disagree on
 * the length, or skipped a call, fail loudly instead of mixing streams. Any failure closes the ring
 * and throws {@link AllReduceException}; not thread-safe: one thread calls it (close() may come from
 * another to abort a call).
 */
public final class RingAllReduce implements AutoCloseable {

    private static final int HEADER_BYTES = 16;
    /** "CALL". */
    private static final int CALL_MAGIC = 0x43414C4C;

    private final int rank;
    private final int world;
    private final PeerLink left;
    private final PeerLink right;
    private final AllReduceSettings settings;
    private final Selector selector;
    private final SelectionKey leftKey;
    private final SelectionKey rightKey;
    private final int chunkFloats;
    private final ByteBuffer sendBuffer;
    private final FloatBuffer sendFloats;
    private final ByteBuffer recvHeader;
    private final ByteBuffer recvBuffer;
    private final FloatBuffer recvFloats;
    private final float[] scratch;

    private RingSchedule schedule;
    private long callIndex;
    private volatile boolean closed;
    private AllReduceException failure;

    // Cursors of the running call: phase and position (floats) in that phase's segment.
    private int sendPhase;
    private int sendPos;
    private int recvPhase;
    private int recvPos;
    private boolean headerReceived;
    private long bytesSent;
    private long bytesReceived;
    private long firstByteNanos;

    // Statistics: the last call and the running totals.
    private long lastFloats;
    private long lastBytesSent;
    private long lastBytesReceived;
    private long lastTotalNanos;
    private long lastWaitNanos;
    private long totalCalls;
    private long totalFloats;
    private long totalBytesSent;
    private long totalBytesReceived;
    private long totalNanos;
    private long totalWaitNanos;

    private RingAllReduce(int rank, int world, PeerLink left, PeerLink right, AllReduceSettings settings)
            throws IOException {
        this.rank = rank;
        this.world = world;
        this.left = left;
        this.right = right;
        this.settings = settings;
        this.chunkFloats = settings.chunkBytes() / Float.BYTES;
        if (world == 1) {
            selector = null;
            leftKey = rightKey = null;
            sendBuffer = recvHeader = recvBuffer = null;
            sendFloats = recvFloats = null;
            scratch = null;
            return;
        }
        selector = Selector.open();
        try {
            leftKey = left.channel().register(selector, SelectionKey.OP_READ);
            rightKey = right.channel().register(selector, 0);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        sendBuffer = ByteBuffer.allocateDirect(HEADER_BYTES + settings.chunkBytes()).order(ByteOrder.LITTLE_ENDIAN);
        sendFloats = sendBuffer.asFloatBuffer();
        recvHeader = ByteBuffer.allocateDirect(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        recvBuffer = ByteBuffer.allocateDirect(settings.chunkBytes()).order(ByteOrder.LITTLE_ENDIAN);
        recvFloats = recvBuffer.asFloatBuffer();
        scratch = new float[chunkFloats];
    }

    /**
     * Forms the ring: connects to rank {@code rank+1} and accepts rank {@code rank-1} (both
     * authenticated), within {@link AllReduceSettings#connectTimeout()}. Closes {@code server}, whatever
     * the outcome. All ranks call this at about the same time, after the rendezvous.
     *
     * @param server this rank's server, bound before the rendezvous
     * @param rank   this rank, in [0, peers.size())
     * @param peers  every rank's {@link PeerServer#address()}, in rank order (the rendezvous result)
     */
    public static RingAllReduce connect(PeerServer server, int rank, List<PeerAddress> peers) {
        if (server == null || peers == null) {
            throw new IllegalArgumentException("server and peers must not be null");
        }
        try {
            checkPeers(server, rank, peers);
        } catch (IllegalArgumentException e) {
            server.close();
            throw e;
        }
        int world = peers.size();
        AllReduceSettings settings = server.settings();
        if (world == 1) {
            server.close();
            return open(rank, 1, null, null, settings);
        }
        int rightRank = (rank + 1) % world;
        int leftRank = (rank + world - 1) % world;
        long deadline = System.nanoTime() + settings.connectTimeout().toNanos();

        // Outbound on a helper thread, inbound here: every rank must accept while it connects, or
        // the ring would deadlock with each rank waiting for its right neighbour to accept.
        CompletableFuture<PeerLink> outbound = new CompletableFuture<>();
        Thread connector = new Thread(() -> {
            try {
                outbound.complete(PeerConnector.connect(server.credentials(), settings, rank, rightRank,
                        peers.get(rightRank), deadline));
            } catch (Throwable t) {
                outbound.completeExceptionally(t);
            }
        }, "convspark-ring-" + rank + "-connect");
        connector.setDaemon(true);
        connector.start();

        PeerLink leftLink;
        try {
            leftLink = server.acceptPeer(rank, leftRank, peers.get(leftRank), deadline);
        } catch (RuntimeException e) {
            throw alsoReportOutbound(e, outbound, settings);
        } finally {
            server.close();
        }
        PeerLink rightLink;
        try {
            rightLink = outbound.join();
        } catch (CompletionException e) {
            leftLink.close();
            throw unwrap(e.getCause());
        }
        return open(rank, world, leftLink, rightLink, settings);
    }

    /**
     * The inbound side failed; the outbound side, on the same deadline, ends soon after (at most a
     * handshake timeout later). If it fails too, both failures are worth reading (a dead right
     * neighbour usually explains a missing left one in a 2-rank ring), so they are combined.
     */
    private static RuntimeException alsoReportOutbound(RuntimeException inbound, CompletableFuture<PeerLink> outbound,
                                                       AllReduceSettings settings) {
        outbound.thenAccept(PeerLink::close);
        Throwable outboundError;
        try {
            outbound.get(settings.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return inbound;
        } catch (ExecutionException e) {
            outboundError = e.getCause();
        } catch (TimeoutException e) {
            return inbound;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return inbound;
        }
        if (!(inbound instanceof AllReduceException in)) {
            inbound.addSuppressed(outboundError);
            return inbound;
        }
        AllReduceException combined = new AllReduceException(in.getMessage() + "; also, "
                + outboundError.getMessage(), in.peerRank(), in.peerAddress(), in);
        combined.addSuppressed(outboundError);
        return combined;
    }

    private static void checkPeers(PeerServer server, int rank, List<PeerAddress> peers) {
        int world = peers.size();
        if (world == 0) {
            throw new IllegalArgumentException("peers must list the address of every rank, found an empty list");
        }
        if (rank < 0 || rank >= world) {
            throw new IllegalArgumentException("rank must be in [0, " + world + ") for " + world
                    + " peers, found " + rank);
        }
        for (int r = 0; r < world; r++) {
            if (peers.get(r) == null) {
                throw new IllegalArgumentException("peers[" + r + "] is null");
            }
        }
        if (peers.get(rank).port() != server.address().port()) {
            throw new IllegalArgumentException("peers[" + rank + "] is " + peers.get(rank) + " but rank " + rank
                    + "'s server listens on " + server.address() + ": the rendezvous list is not in rank order");
        }
    }

    private static RingAllReduce open(int rank, int world, PeerLink left, PeerLink right,
                                      AllReduceSettings settings) {
        try {
            return new RingAllReduce(rank, world, left, right, settings);
        } catch (IOException e) {
            PeerLink.closeQuietly(left);
            PeerLink.closeQuietly(right);
            throw new AllReduceException("rank " + rank + ": cannot open a selector for the ring: " + e, -1, null, e);
        }
    }

    private static RuntimeException unwrap(Throwable t) {
        if (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        return new AllReduceException("ring setup failed: " + t, -1, null, t);
    }

    public int rank() {
        return rank;
    }

    public int world() {
        return world;
    }

    /** {@code data[i] = Σ_ranks data[i]}, in place, on every rank. */
    public void sum(float[] data) {
        allReduce(data, 0, data == null ? 0 : data.length, 1f, 1f);
    }

    /** {@code data[i] = (Σ_ranks data[i]) / world}, in place, on every rank. */
    public void average(float[] data) {
        allReduce(data, 0, data == null ? 0 : data.length, 1f, world);
    }

    /**
     * {@code data[offset+i] = (Σ_ranks localWeight_rank · data[offset+i]) / divisor}, in place, on every
     * rank. E.g. for a global-batch gradient from per-rank mean gradients, localWeight = this rank's
     * sample count and divisor = the global sample count. All ranks must pass the same
     * {@code length} and {@code divisor} (the length is checked); the weight is each rank's own.
     * The weight and the division are fused into the transfer (no extra pass over the array).
     */
    public void allReduce(float[] data, int offset, int length, float localWeight, float divisor) {
        checkArguments(data, offset, length, localWeight, divisor);
        checkUsable();
        long start = System.nanoTime();
        if (world == 1) {
            scaleLocally(data, offset, length, localWeight, divisor);
            record(length, start, start);
            return;
        }
        if (schedule == null || !schedule.matches(offset, length)) {
            schedule = new RingSchedule(rank, world, offset, length);
        }
        try {
            transfer(data, localWeight, divisor);
        } catch (AllReduceException e) {
            throw fail(e);
        } catch (IOException | ClosedSelectorException | CancelledKeyException e) {
            throw fail(new AllReduceException("rank " + rank + ": all-reduce call #" + callIndex + " failed: "
                    + (closed ? "the ring was closed during the call" : e.toString()), -1, null, e));
        }
        record(length, start, firstByteNanos);
        callIndex++;
    }

    /** The one transfer loop: send what is ready, reduce what arrived, wait only when neither moves. */
    private void transfer(float[] data, float weight, float divisor) throws IOException {
        RingSchedule s = schedule;
        int phases = s.phases();
        sendPhase = sendPos = recvPhase = recvPos = 0;
        bytesSent = bytesReceived = firstByteNanos = 0;
        headerReceived = false;
        skipEmptySendPhases();
        skipEmptyRecvPhases();
        sendBuffer.clear();
        sendBuffer.putLong(callIndex).putInt(s.length()).putInt(CALL_MAGIC);
        fillSendBuffer(data, weight, HEADER_BYTES);
        recvHeader.clear();
        recvBuffer.clear().limit(nextRecvBytes());
        long lastProgress = System.nanoTime();
        while (true) {
            boolean progress = false;
            if (!sendBuffer.hasRemaining()) {
                fillSendBuffer(data, weight, 0);
            }
            if (sendBuffer.hasRemaining()) {
                progress = send();
            }
            if (!headerReceived) {
                progress |= receiveHeader();
            } else if (recvPhase < phases) {
                progress |= receive(data, weight, divisor);
            }
            if (headerReceived && recvPhase == phases && sendPhase == phases && !sendBuffer.hasRemaining()) {
                return;
            }
            long now = System.nanoTime();
            if (progress) {
                lastProgress = now;
            } else {
                awaitProgress(lastProgress, now);
            }
        }
    }

    /**
     * Copies the next ready floats into the send buffer, after {@code startByte}. Phase 0 sends our
     * own segment (times the local weight); phase p > 0 forwards the segment received in phase p-1,
     * as far as it has been reduced.
     */
    private void fillSendBuffer(float[] data, float weight, int startByte) {
        RingSchedule s = schedule;
        int index = startByte / Float.BYTES;
        int end = index + chunkFloats;
        while (index < end && sendPhase < s.phases()) {
            int ready = readyToSend();
            if (ready == 0) {
                break;
            }
            int n = Math.min(end - index, ready);
            int from = s.sendStart(sendPhase) + sendPos;
            if (sendPhase == 0 && weight != 1f) {
                for (int i = 0; i < n; i++) {
                    scratch[i] = weight * data[from + i];
                }
                sendFloats.put(index, scratch, 0, n);
            } else {
                sendFloats.put(index, data, from, n);
            }
            index += n;
            sendPos += n;
            skipEmptySendPhases();
        }
        sendBuffer.limit(index * Float.BYTES).position(0);
    }

    private int readyToSend() {
        int p = sendPhase;
        if (p == 0 || recvPhase >= p) {
            return schedule.sendLength(p) - sendPos;
        }
        return recvPhase == p - 1 ? recvPos - sendPos : 0;
    }

    private boolean send() {
        try {
            int n = right.channel().write(sendBuffer);
            bytesSent += n;
            return n > 0;
        } catch (IOException e) {
            throw peerFailure(right, "sending to its right neighbour " + right.describe() + " failed (" + e
                    + "): that task died or closed the ring", e);
        }
    }

    private boolean receiveHeader() {
        int n = read(recvHeader);
        if (recvHeader.hasRemaining()) {
            return n > 0;
        }
        long call = recvHeader.getLong(0);
        int length = recvHeader.getInt(8);
        int magic = recvHeader.getInt(12);
        if (magic != CALL_MAGIC) {
            throw peerFailure(left, "its left neighbour " + left.describe()
                    + " sent bytes that are not an all-reduce call header: the streams are out of sync", null);
        }
        if (call != callIndex) {
            throw peerFailure(left, "its left neighbour " + left.describe() + " is at all-reduce call #" + call
                    + ", this rank at #" + callIndex + ": a rank skipped or repeated a call", null);
        }
        if (length != schedule.length()) {
            throw peerFailure(left, "its left neighbour " + left.describe() + " all-reduces " + length
                    + " floats, this rank " + schedule.length() + ": the ranks disagree on the parameter count", null);
        }
        headerReceived = true;
        return true;
    }

    private boolean receive(float[] data, float weight, float divisor) {
        if (read(recvBuffer) == 0) {
            return false;
        }
        if (!recvBuffer.hasRemaining()) {
            int count = recvBuffer.limit() / Float.BYTES;
            reduceChunk(data, count, weight, divisor);
            recvPos += count;
            skipEmptyRecvPhases();
            recvBuffer.clear().limit(nextRecvBytes());
        }
        return true;
    }

    /**
     * Merges {@code count} received floats into {@code data} at the receive cursor. Reduce-scatter:
     * {@code data = received + weight·data} (our contribution added to the partial sum of the ranks
     * before us), divided by {@code divisor} once the segment is complete. All-gather: copy.
     */
    private void reduceChunk(float[] data, int count, float weight, float divisor) {
        RingSchedule s = schedule;
        int to = s.recvStart(recvPhase) + recvPos;
        if (s.isGatherPhase(recvPhase)) {
            recvFloats.get(0, data, to, count);
            return;
        }
        recvFloats.get(0, scratch, 0, count);
        if (weight == 1f) {
            for (int i = 0; i < count; i++) {
                data[to + i] = scratch[i] + data[to + i];
            }
        } else {
            for (int i = 0; i < count; i++) {
                data[to + i] = scratch[i] + weight * data[to + i];
            }
        }
        if (s.isLastReducePhase(recvPhase) && divisor != 1f) {
            for (int i = 0; i < count; i++) {
                data[to + i] = data[to + i] / divisor;
            }
        }
    }

    private int read(ByteBuffer buffer) {
        int n;
        try {
            n = left.channel().read(buffer);
        } catch (IOException e) {
            throw peerFailure(left, "receiving from its left neighbour " + left.describe() + " failed (" + e
                    + "): that task died or closed the ring", e);
        }
        if (n < 0) {
            throw peerFailure(left, "its left neighbour " + left.describe() + " closed the connection during"
                    + " the call (received " + bytesReceived + " of " + expectedBytes() + " bytes): that task"
                    + " died or closed the ring", null);
        }
        if (n > 0) {
            if (bytesReceived == 0) {
                firstByteNanos = System.nanoTime();
            }
            bytesReceived += n;
        }
        return n;
    }

    /** Sleeps until a neighbour is ready, or fails once nothing moved for the read timeout. */
    private void awaitProgress(long lastProgress, long now) throws IOException {
        long remaining = settings.readTimeout().toNanos() - (now - lastProgress);
        boolean receiving = !headerReceived || recvPhase < schedule.phases();
        boolean sending = sendBuffer.hasRemaining();
        if (remaining <= 0) {
            String timeout = PeerConnector.format(settings.readTimeout());
            if (receiving) {
                throw peerFailure(left, "timed out: no data from its left neighbour " + left.describe() + " for "
                        + timeout + " (received " + bytesReceived + " of " + expectedBytes() + " bytes"
                        + (sending ? "; its right neighbour " + right.describe() + " is not reading either" : "")
                        + "); is that task dead or stuck, or is its step slower than readTimeout?", null);
            }
            throw peerFailure(right, "timed out: its right neighbour " + right.describe() + " has not read our"
                    + " data for " + timeout + "; is that task dead or stuck?", null);
        }
        leftKey.interestOps(receiving ? SelectionKey.OP_READ : 0);
        rightKey.interestOps(sending ? SelectionKey.OP_WRITE : 0);
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        selector.selectedKeys().clear();
        if (Thread.currentThread().isInterrupted()) {
            throw new AllReduceException("rank " + rank + ": interrupted during all-reduce call #" + callIndex,
                    -1, null, null);
        }
    }

    private void skipEmptySendPhases() {
        while (sendPhase < schedule.phases() && sendPos == schedule.sendLength(sendPhase)) {
            sendPhase++;
            sendPos = 0;
        }
    }

    private void skipEmptyRecvPhases() {
        while (recvPhase < schedule.phases() && recvPos == schedule.recvLength(recvPhase)) {
            recvPhase++;
            recvPos = 0;
        }
    }

    private int nextRecvBytes() {
        if (recvPhase == schedule.phases()) {
            return 0;
        }
        return Math.min(chunkFloats, schedule.recvLength(recvPhase) - recvPos) * Float.BYTES;
    }

    private long expectedBytes() {
        long floats = 0;
        for (int p = 0; p < schedule.phases(); p++) {
            floats += schedule.recvLength(p);
        }
        return HEADER_BYTES + floats * Float.BYTES;
    }

    private AllReduceException peerFailure(PeerLink peer, String what, Throwable cause) {
        String message = closed
                ? "rank " + rank + ": the ring was closed during all-reduce call #" + callIndex
                : "rank " + rank + ", all-reduce call #" + callIndex + ": " + what;
        return new AllReduceException(message, peer.rank(), peer.address(), cause);
    }

    private static void scaleLocally(float[] data, int offset, int length, float weight, float divisor) {
        if (weight == 1f && divisor == 1f) {
            return;
        }
        for (int i = offset; i < offset + length; i++) {
            data[i] = weight * data[i] / divisor;
        }
    }

    private void record(int floats, long start, long firstByte) {
        long end = System.nanoTime();
        lastFloats = floats;
        lastBytesSent = bytesSent;
        lastBytesReceived = bytesReceived;
        lastTotalNanos = end - start;
        lastWaitNanos = firstByte - start;
        totalCalls++;
        totalFloats += floats;
        totalBytesSent += bytesSent;
        totalBytesReceived += bytesReceived;
        totalNanos += lastTotalNanos;
        totalWaitNanos += lastWaitNanos;
    }

    /** The last successful call; {@link AllReduceStats#ZERO} before the first. */
    public AllReduceStats lastCallStats() {
        if (totalCalls == 0) {
            return AllReduceStats.ZERO;
        }
        return new AllReduceStats(1, lastFloats, lastBytesSent, lastBytesReceived, lastTotalNanos, lastWaitNanos);
    }

    /** All successful calls since the ring formed. */
    public AllReduceStats totalStats() {
        return new AllReduceStats(totalCalls, totalFloats, totalBytesSent, totalBytesReceived, totalNanos,
                totalWaitNanos);
    }

    private void checkArguments(float[] data, int offset, int length, float weight, float divisor) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length
                    + " must lie within data of length " + data.length);
        }
        if (!Float.isFinite(weight)) {
            throw new IllegalArgumentException("localWeight must be finite, found " + weight);
        }
        if (!(divisor > 0) || !Float.isFinite(divisor)) {
            throw new IllegalArgumentException("divisor must be positive and finite, found " + divisor);
        }
    }

    private void checkUsable() {
        if (failure != null) {
            throw new AllReduceException("rank " + rank + ": this ring failed earlier and is closed ("
                    + failure.getMessage() + ")", failure.peerRank(), failure.peerAddress(), failure);
        }
        if (closed) {
            throw new IllegalStateException("rank " + rank + ": this ring is closed");
        }
    }

    private AllReduceException fail(AllReduceException e) {
        failure = e;
        close();
        return e;
    }

    /** Closes both connections; a call running on another thread fails with {@link AllReduceException}. */
    @Override
    public void close() {
        closed = true;
        PeerLink.closeQuietly(left);
        PeerLink.closeQuietly(right);
        PeerLink.closeQuietly(selector);
    }
}
