package io.convspark.driver.progress;

import io.convspark.driver.allreduce.JobCredentials;
import io.convspark.driver.allreduce.PeerAddress;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's end of the progress stream: accepts replica connections, authenticates them with the
 * job secret (a stranger is refused and logged) and dispatches their events to the listener, one
 * thread per connection (a handful: one per replica). Events of one replica arrive in order.
 */
public final class ProgressServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressServer.class);
    private static final int HANDSHAKE_TIMEOUT_MS = 10_000;

    private final ServerSocket server;
    private final JobCredentials credentials;
    private final TrainingListener listener;
    private final PeerAddress address;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final List<String> rejections = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;
    private volatile boolean closed;

    private ProgressServer(ServerSocket server, String host, JobCredentials credentials, TrainingListener listener) {
        this.server = server;
        this.credentials = credentials;
        this.listener = listener;
        this.address = new PeerAddress(host, server.getLocalPort());
        this.acceptor = new Thread(this::acceptLoop, "convspark-progress-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on an ephemeral port of {@code host} (the driver's address as executors see it). */
    public static ProgressServer start(String host, JobCredentials credentials, TrainingListener listener)
            throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 16);
        return new ProgressServer(s, host, credentials, listener);
    }

    public PeerAddress address() {
        return address;
    }

    /** Remote addresses and reasons of refused connections. */
    public List<String> rejections() {
        synchronized (rejections) {
            return List.copyOf(rejections);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "convspark-progress-" + s.getRemoteSocketAddress());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("progress server: accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket s) {
        String remote = String.valueOf(s.getRemoteSocketAddress());
        try (s) {
            s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            byte[] nonce = new byte[ProgressProtocol.NONCE_BYTES];
            new SecureRandom().nextBytes(nonce);
            out.write(nonce);
            out.flush();
            String jobId = in.readUTF();
            int rank = in.readInt();
            byte[] mac = new byte[32];
            in.readFully(mac);
            if (!jobId.equals(credentials.jobId())
                    || !ProgressProtocol.macMatches(ProgressProtocol.mac(credentials, nonce, rank), mac)) {
                reject(remote, "wrong job or secret");
                return;
            }
            s.setSoTimeout(0);
            while (!closed) {
                byte type;
                try {
                    type = in.readByte();
                } catch (EOFException end) {
                    return;
                }
                dispatch(type, rank, in, out);
            }
        } catch (SocketException | EOFException e) {
            if (!closed) {
                LOG.debug("progress connection {} ended: {}", remote, e.toString());
            }
        } catch (IOException | RuntimeException e) {
            reject(remote, e.toString());
        } finally {
            sockets.remove(s);
        }
    }

    private void dispatch(byte type, int rank, DataInputStream in, DataOutputStream out) throws IOException {
        switch (type) {
            case ProgressProtocol.STEP -> {
                int epoch = in.readInt();
                int step = in.readInt();
                int steps = in.readInt();
                listener.onStep(epoch, step, steps, ProgressProtocol.readLogs(in));
            }
            case ProgressProtocol.EPOCH -> {
                int epoch = in.readInt();
                listener.onEpochEnd(epoch, ProgressProtocol.readLogs(in));
            }
            case ProgressProtocol.MESSAGE -> listener.onMessage(rank, in.readUTF());
            case ProgressProtocol.BOUNDARY -> {
                int epoch = in.readInt();
                Map<String, Double> logs = ProgressProtocol.readLogs(in);
                float[] values = ProgressProtocol.readFloats(in);
                float[] state = ProgressProtocol.readFloats(in);
                EpochDecision d;
                try {
                    d = listener.atEpochBoundary(epoch, logs, values, state);
                } catch (RuntimeException e) {
                    LOG.error("a callback failed at the start of epoch {}: training stops", epoch + 1, e);
                    d = new EpochDecision(true, "a callback failed on the driver: " + e, Float.NaN);
                }
                out.writeBoolean(d.stop());
                out.writeUTF(d.reason() == null ? "" : d.reason());
                out.writeFloat(d.learningRate());
                out.flush();
            }
            default -> throw new IOException("unknown progress event type " + type);
        }
    }

    private void reject(String remote, String why) {
        rejections.add(remote + ": " + why);
        LOG.warn("progress server: refused connection from {}: {}", remote, why);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        synchronized (sockets) {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }
}
