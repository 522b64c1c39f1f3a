package dev.peerlink.peer.internal.ladder;

import dev.peerlink.protocol.ProbePacket;
import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.PeerIdentity;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.secure.TlsTransport;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent TCP listener on a device's fixed listen port, reached from outside through a gateway port mapping
 * (ladder path {@code mapped}). Every inbound connection's first byte decides what it is:
 * <ul>
 *   <li>{@code 0x50} ({@code "PLPR"}): a mapping-monitor probe ({@link ProbePacket}, 22 bytes), handed to the
 *       {@code probes} sink (the device's {@code MappingKeeper});</li>
 *   <li>{@code 0x16}: a TLS ClientHello. The device does not know who dials, so it accepts any well-formed peerlink
 *       device certificate ({@link TlsTransport#acceptUnpinned}) and then looks for an active target-side ladder run
 *       ({@link ResponderLadder}) whose brokered initiator key equals the proven identity; the session goes to that
 *       run's nomination wait. No such run: the session is closed.</li>
 * </ul>
 * Failures (unknown first byte, failed handshake, no matching run) are rate limited: a bucket of
 * {@value #FAILURE_BURST} refilled at {@value #FAILURES_PER_SECOND}/s; while it is empty new connections are closed
 * before any TLS work. At most {@value #MAX_HANDSHAKES} handshakes run at once.
 */
public final class MappedListener implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(MappedListener.class);
    static final int MAX_HANDSHAKES = 16;
    static final int FAILURE_BURST = 20;
    static final int FAILURES_PER_SECOND = 2;
    private static final int TLS_HANDSHAKE = 0x16;
    private static final int PROBE_FIRST = 0x50;

    private final ServerSocket server;
    private final DeviceIdentity self;
    private final SessionConfig config;
    private final Map<String, LadderSide> routes;
    private final BiPredicate<byte[], Integer> probes;
    private final Semaphore handshakes = new Semaphore(MAX_HANDSHAKES);
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private double failureTokens = FAILURE_BURST;
    private long lastRefill = System.nanoTime();
    private volatile boolean closed;

    private MappedListener(ServerSocket server, DeviceIdentity self, SessionConfig config, Map<String, LadderSide> routes,
                           BiPredicate<byte[], Integer> probes) {
        this.server = server;
        this.self = self;
        this.config = config;
        this.routes = routes;
        this.probes = probes;
    }

    /**
     * Binds {@code port} (all addresses) and starts accepting.
     *
     * @param probes gets each mapping-monitor probe (bytes, length); may be null
     */
    public static MappedListener open(int port, DeviceIdentity self, SessionConfig config, Map<String, LadderSide> routes,
                                      BiPredicate<byte[], Integer> probes) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(port), 64);
        MappedListener l = new MappedListener(ss, self, config, routes, probes);
        Thread.ofVirtual().name("peerlink-mapped-accept-" + port).start(l::acceptLoop);
        return l;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Sessions handed to a ladder run. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections refused (bad first byte, failed handshake, no matching run, rate limited). */
    public int rejected() {
        return rejected.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("mapped listener {}: {}", port(), e.toString());
                    try {
                        Thread.sleep(50); // e.g. out of file descriptors: do not spin
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
                continue;
            }
            if (!hasFailureBudget() || !handshakes.tryAcquire()) {
                rejected.incrementAndGet();
                LadderSide.closeQuietly(s);
                continue;
            }
            Thread.ofVirtual().start(() -> {
                try {
                    handle(s);
                } finally {
                    handshakes.release();
                }
            });
        }
    }

    private void handle(Socket s) {
        try {
            s.setSoTimeout((int) config.handshakeTimeout().toMillis());
            InputStream in = s.getInputStream();
            int first = in.read();
            if (first == PROBE_FIRST) {
                byte[] b = new byte[ProbePacket.LENGTH];
                b[0] = (byte) first;
                int n = 1 + in.readNBytes(b, 1, b.length - 1);
                if (probes == null || !probes.test(b, n)) {
                    failed(s, "not a probe");
                } else {
                    LadderSide.closeQuietly(s);
                }
                return;
            }
            if (first != TLS_HANDSHAKE) {
                failed(s, "not TLS (first byte " + first + ")");
                return;
            }
            SecureSession session = TlsTransport.acceptUnpinned(s, new byte[] {(byte) first}, self, config);
            PeerIdentity who = session.peerIdentity();
            ResponderLadder run = findRun(who);
            if (run == null || !run.takeMapped(session)) {
                session.close();
                failed(null, "no connection attempt of " + who + " is waiting");
                return;
            }
            accepted.incrementAndGet();
            LOG.debug("mapped listener {}: session from {} ({}) handed to {}", port(), who, s.getRemoteSocketAddress(),
                    run.session);
        } catch (IOException | RuntimeException e) {
            failed(s, e.toString());
        }
    }

    private ResponderLadder findRun(PeerIdentity who) {
        for (LadderSide side : routes.values()) {
            if (side instanceof ResponderLadder r && !r.finished && who.equals(r.initiatorKey())) {
                return r;
            }
        }
        return null;
    }

    private void failed(Socket s, String why) {
        rejected.incrementAndGet();
        synchronized (this) {
            failureTokens = Math.max(0, failureTokens - 1);
        }
        LOG.debug("mapped listener {}: refused: {}", port(), why);
        LadderSide.closeQuietly(s);
    }

    private synchronized boolean hasFailureBudget() {
        long now = System.nanoTime();
        failureTokens = Math.min(FAILURE_BURST, failureTokens + (now - lastRefill) / 1e9 * FAILURES_PER_SECOND);
        lastRefill = now;
        return failureTokens >= 1;
    }

    @Override
    public void close() {
        closed = true;
        LadderSide.closeQuietly(server);
    }
}
