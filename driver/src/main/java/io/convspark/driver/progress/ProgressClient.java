package io.convspark.driver.progress;

import io.convspark.driver.allreduce.JobCredentials;
import io.convspark.driver.allreduce.PeerAddress;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's end of the progress stream. Progress is best effort: if the driver cannot be reached or the
 * connection breaks, the client logs once and goes quiet; training never waits for or fails on it.
 */
public final class ProgressClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressClient.class);
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    /** How long rank 0 waits for the driver's callbacks at an epoch boundary. */
    private static final int DECISION_TIMEOUT_MS = 600_000;

    private Socket socket;
    private DataOutputStream out;
    private DataInputStream in;

    private ProgressClient(Socket socket, DataOutputStream out, DataInputStream in) {
        this.socket = socket;
        this.out = out;
        this.in = in;
    }

    /** Connects and authenticates; a client that stays silent if {@code server} is null or unreachable. */
    public static ProgressClient connect(PeerAddress server, JobCredentials credentials, int rank) {
        if (server == null) {
            return new ProgressClient(null, null, null);
        }
        Socket s = new Socket();
        try {
            s.connect(server.toSocketAddress(), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(CONNECT_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] nonce = new byte[ProgressProtocol.NONCE_BYTES];
            in.readFully(nonce);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            out.writeUTF(credentials.jobId());
            out.writeInt(rank);
            out.write(ProgressProtocol.mac(credentials, nonce, rank));
            out.flush();
            return new ProgressClient(s, out, in);
        } catch (IOException e) {
            LOG.warn("no live progress: cannot reach the driver's progress server at {}: {}", server, e.toString());
            closeQuietly(s);
            return new ProgressClient(null, null, null);
        }
    }

    public void step(int epoch, int step, int steps, Map<String, Double> logs) {
        send(d -> {
            d.writeByte(ProgressProtocol.STEP);
            d.writeInt(epoch);
            d.writeInt(step);
            d.writeInt(steps);
            ProgressProtocol.writeLogs(d, logs);
        });
    }

    public void epochEnd(int epoch, Map<String, Double> logs) {
        send(d -> {
            d.writeByte(ProgressProtocol.EPOCH);
            d.writeInt(epoch);
            ProgressProtocol.writeLogs(d, logs);
        });
    }

    public void message(String text) {
        send(d -> {
            d.writeByte(ProgressProtocol.MESSAGE);
            d.writeUTF(text.length() > 8000 ? text.substring(0, 8000) : text);
        });
    }

    /**
     * Sends the epoch boundary with the weights and waits for the driver's decision; without a driver
     * connection (or when it breaks) training continues unchanged.
     */
    public EpochDecision boundary(int nextEpoch, Map<String, Double> lastLogs, float[] values, float[] state) {
        if (out == null) {
            return EpochDecision.CONTINUE;
        }
        try {
            out.writeByte(ProgressProtocol.BOUNDARY);
            out.writeInt(nextEpoch);
            ProgressProtocol.writeLogs(out, lastLogs);
            ProgressProtocol.writeFloats(out, values);
            ProgressProtocol.writeFloats(out, state);
            out.flush();
            socket.setSoTimeout(DECISION_TIMEOUT_MS);
            boolean stop = in.readBoolean();
            String reason = in.readUTF();
            float lr = in.readFloat();
            return new EpochDecision(stop, reason, lr);
        } catch (IOException e) {
            LOG.warn("no decision from the driver's callbacks ({}); training goes on unchanged", e.toString());
            close();
            return EpochDecision.CONTINUE;
        }
    }

    private interface Event {
        void write(DataOutputStream d) throws IOException;
    }

    private void send(Event e) {
        if (out == null) {
            return;
        }
        try {
            e.write(out);
            out.flush();
        } catch (IOException ex) {
            LOG.warn("live progress stopped: {}", ex.toString());
            close();
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
        socket = null;
        out = null;
        in = null;
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
