package dev.peerlink.peer.pairing;

import dev.peerlink.peer.internal.NetworkMonitor;
import dev.peerlink.peer.pairing.PairingException.Reason;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.PeerIdentity;
import dev.peerlink.secure.SecureHandshakeException;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.secure.TlsTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The showing side of pairing: listens on TCP, offers a {@link PairingCode} (its identity key, its addresses, a
 * one-time token, an expiry) and hands over the first connection that proves it holds the token.
 *
 * <p>Each connection runs TLS 1.3 with this device's usual certificate; the connecting device's certificate is not
 * known in advance, so any well-formed peerlink device certificate is accepted
 * ({@link TlsTransport#acceptUnpinned}) and the identity it proves is reported. The connecting side then sends the
 * token on its first stream. The listener compares it in constant time and accepts it once: a wrong token, a second
 * use or an expired offer is answered with a refusal status and the session closed. Refused attempts (wrong or reused
 * token, invalid certificate) are rate limited: each one delays the next connection (250 ms, doubling, at most 4 s),
 * and after {@code maxFailures} the listener closes for good ({@link Reason#TOO_MANY_ATTEMPTS}). At most four
 * connections are handled at once; more are closed unanswered.
 *
 * <p>The listener keeps answering (refusing) until {@link #close()}: a second device using the same code learns
 * that it was already used.
 */
public final class PairingListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PairingListener.class);
    private static final int MAX_CONCURRENT = 4;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "peerlink-pairing-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** A paired connection: the session (streams are the application's), who it is, from where. */
    public record Paired(SecureSession session, PeerIdentity peer, Optional<DeviceId> deviceId, InetSocketAddress remote) {
    }

    private final DeviceIdentity self;
    private final ServerSocket server;
    private final PairingCode code;
    private final byte[] token;
    private final SessionConfig config;
    private final int maxFailures;
    private final AtomicBoolean used = new AtomicBoolean();
    /** Set once the exchange that claimed the token has ended: its session is queued, or it failed (code spent). */
    private volatile boolean settled;
    private final AtomicInteger failures = new AtomicInteger();
    private final Semaphore slots = new Semaphore(MAX_CONCURRENT);
    private final LinkedBlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
    private volatile long penaltyUntilNanos;
    private volatile boolean closed;
    private volatile Consumer<PairingException> refusedListener = e -> { };
    private final Thread acceptor;

    private PairingListener(Builder b) throws IOException {
        this.self = b.self;
        this.config = b.config;
        this.maxFailures = b.maxFailures;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(b.bind, 16);
        int port = server.getLocalPort();
        // An advertised port 0 means "the port just bound" (so a caller binding port 0 can still name addresses).
        List<InetSocketAddress> cands = b.advertise != null
                ? b.advertise.stream().map(a -> a.getPort() == 0 ? new InetSocketAddress(a.getAddress(), port) : a).toList()
                : candidates(server.getInetAddress(), port);
        this.token = PairingCode.newToken();
        this.code = new PairingCode(b.deviceId, self.publicIdentity(), cands, token, Instant.now().plus(b.ttl));
        this.acceptor = Thread.ofVirtual().name("peerlink-pairing-acceptor").start(this::acceptLoop);
    }

    /** Bridges the peer SDK's identity (its key pair and device id). */
    public static Builder builder(dev.peerlink.peer.DeviceIdentity device) {
        return builder(DeviceIdentity.of(new KeyPair(device.publicKey(), device.privateKey())), device.deviceId());
    }

    public static Builder builder(DeviceIdentity self, DeviceId deviceId) {
        return new Builder(self, deviceId);
    }

    public static final class Builder {
        private final DeviceIdentity self;
        private final DeviceId deviceId;
        private InetSocketAddress bind = new InetSocketAddress("0.0.0.0", 0);
        private Duration ttl = Duration.ofMinutes(10);
        private SessionConfig config = SessionConfig.defaults();
        private List<InetSocketAddress> advertise;
        private int maxFailures = 10;

        private Builder(DeviceIdentity self, DeviceId deviceId) {
            this.self = Objects.requireNonNull(self);
            this.deviceId = Objects.requireNonNull(deviceId);
        }

        /** Where to listen (default {@code 0.0.0.0:0}: every interface, any port). */
        public Builder bind(InetSocketAddress a) {
            this.bind = a;
            return this;
        }

        /** How long the code is valid (default 10 minutes). */
        public Builder ttl(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("ttl must be positive");
            }
            this.ttl = d;
            return this;
        }

        public Builder config(SessionConfig c) {
            this.config = Objects.requireNonNull(c);
            return this;
        }

        /** The addresses put in the code (default: the bound address, or the LAN addresses for a wildcard). */
        public Builder advertise(List<InetSocketAddress> a) {
            this.advertise = List.copyOf(a);
            return this;
        }

        /** Refused attempts before the listener closes for good (default 10). */
        public Builder maxFailures(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxFailures >= 1");
            }
            this.maxFailures = n;
            return this;
        }

        public PairingListener start() throws IOException {
            return new PairingListener(this);
        }
    }

    /** IPv4 first, at most {@link PairingCode#MAX_CANDIDATES}; loopback when the machine has no LAN address. */
    static List<InetSocketAddress> candidates(InetAddress bound, int port) {
        if (!bound.isAnyLocalAddress()) {
            return List.of(new InetSocketAddress(bound, port));
        }
        // the JDK binds a wildcard (0.0.0.0 too) dual-stack unless told to use IPv4 only
        boolean v4only = Boolean.getBoolean("java.net.preferIPv4Stack");
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress a : NetworkMonitor.lanAddresses(port)) {
            if (a.getAddress() instanceof Inet6Address && v4only) {
                continue;
            }
            out.add(a);
        }
        out.sort(Comparator.comparing(a -> a.getAddress() instanceof Inet6Address));
        if (out.isEmpty()) {
            out.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
        return List.copyOf(out.subList(0, Math.min(out.size(), PairingCode.MAX_CANDIDATES)));
    }

    public PairingCode code() {
        return code;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Told of every refused attempt (wrong or reused token, expired, invalid certificate), on a pairing thread. */
    public void onRefused(Consumer<PairingException> listener) {
        this.refusedListener = listener == null ? e -> { } : listener;
    }

    /** Waits until a device pairs; fails when the code expires first, the listener gives up or is closed. */
    public Paired accept() throws PairingException, InterruptedException {
        return accept(null);
    }

    /** As {@link #accept()}, waiting at most {@code timeout} (then {@link Reason#TIMEOUT}). */
    public Paired accept(Duration timeout) throws PairingException, InterruptedException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        while (true) {
            Object o = outcomes.poll(100, TimeUnit.MILLISECONDS);
            if (o instanceof Paired p) {
                return p;
            }
            if (o instanceof PairingException e) {
                outcomes.add(e); // terminal: every later accept sees it too
                throw new PairingException(e.reason(), e.getMessage());
            }
            if (closed) {
                throw new PairingException(Reason.CLOSED, "the pairing listener is closed");
            }
            // not used.get(): the token is claimed before the answer is written, the session queued only after
            if (settled && outcomes.isEmpty()) {
                throw new PairingException(Reason.TOKEN_USED, "this pairing code was already used");
            }
            if (code.expiredAt(Instant.now())) {
                throw new PairingException(Reason.EXPIRED, "the pairing code expired at " + code.expiry()
                        + " without a connection");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new PairingException(Reason.TIMEOUT, "no device paired in time");
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                long wait = penaltyUntilNanos - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                Socket s = server.accept();
                if (!slots.tryAcquire()) {
                    s.close(); // busy: more concurrent attempts than any real pairing needs
                    continue;
                }
                Thread.ofVirtual().name("peerlink-pairing-" + s.getRemoteSocketAddress()).start(() -> {
                    try {
                        handle(s);
                    } catch (RuntimeException e) {
                        log.warn("pairing connection from {} failed", s.getRemoteSocketAddress(), e);
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // already failing
                        }
                    } finally {
                        slots.release();
                    }
                });
            } catch (IOException | InterruptedException e) {
                if (!closed) {
                    log.debug("pairing acceptor stopped", e);
                }
                return;
            }
        }
    }

    private void handle(Socket s) {
        InetSocketAddress remote = (InetSocketAddress) s.getRemoteSocketAddress();
        SecureSession session;
        try {
            session = TlsTransport.acceptUnpinned(s, self, config);
        } catch (SecureHandshakeException e) {
            if (e.pinMismatch()) {
                refused(remote, new PairingException(Reason.PIN_MISMATCH,
                        "pairing attempt from " + hostPort(remote) + " refused: " + e.getMessage()), true);
            } else {
                log.debug("pairing handshake from {} failed", remote, e);
            }
            return;
        } catch (IOException e) {
            log.debug("pairing handshake from {} failed", remote, e);
            return;
        }
        // the token must arrive within the handshake timeout
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(session::close, config.handshakeTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        boolean keep = false;
        boolean claimed = false;
        try {
            SecureStream st = session.acceptStream();
            if (st == null) {
                return; // closed without asking (e.g. it lost a Happy Eyeballs race)
            }
            InputStream in = st.input();
            int version = in.read();
            byte[] presented = in.readNBytes(PairingCode.TOKEN_LENGTH);
            int idLen = in.read();
            byte[] id = idLen > 0 && idLen <= 64 ? in.readNBytes(idLen) : new byte[0];
            Optional<DeviceId> deviceId = Optional.empty();
            int status;
            if (version != PairingWire.VERSION || presented.length != PairingCode.TOKEN_LENGTH || idLen < 0 || idLen > 64
                    || id.length != Math.max(idLen, 0)) {
                status = PairingWire.BAD_REQUEST;
            } else {
                String idText = new String(id, StandardCharsets.US_ASCII);
                deviceId = idLen > 0 && DeviceId.isValid(idText) ? Optional.of(DeviceId.of(idText)) : Optional.empty();
                boolean right = MessageDigest.isEqual(token, presented); // constant time
                if (code.expiredAt(Instant.now())) {
                    status = PairingWire.EXPIRED;
                } else if (!right) {
                    status = PairingWire.WRONG_TOKEN;
                } else if (closed || !used.compareAndSet(false, true)) {
                    status = PairingWire.TOKEN_USED;
                } else {
                    status = PairingWire.OK;
                    claimed = true;
                }
            }
            OutputStream out = st.output();
            out.write(status);
            out.close();
            // wait for the initiator to have read the answer (its FIN) before a refusal closes the session; an
            // initiator that hangs up instead was still refused
            boolean drained = drain(in);
            if (status != PairingWire.OK) {
                st.close();
                refused(remote, new PairingException(PairingWire.refusal(status).reason(), "pairing attempt from "
                        + hostPort(remote) + " (device " + session.peerIdentity().fingerprint() + ") refused: "
                        + PairingWire.describe(status)), status != PairingWire.EXPIRED);
                return;
            }
            st.close();
            watchdog.cancel(false);
            if (!drained || !session.isOpen()) {
                log.debug("pairing with {} broke after it was accepted", remote);
                return;
            }
            keep = true;
            outcomes.add(new Paired(session, session.peerIdentity(), deviceId, remote));
            settled = true;
        } catch (IOException | InterruptedException e) {
            log.debug("pairing exchange with {} failed", remote, e);
        } finally {
            watchdog.cancel(false);
            if (!keep) {
                session.close();
                if (claimed) {
                    settled = true; // claimed, then lost: the code is spent
                }
            }
        }
    }

    /** Reads to the end; false if the stream broke instead. */
    private static boolean drain(InputStream in) {
        try {
            while (in.read() >= 0) {
                // nothing more is expected
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void refused(InetSocketAddress remote, PairingException e, boolean counts) {
        log.info(e.getMessage());
        try {
            refusedListener.accept(e);
        } catch (RuntimeException ex) {
            log.warn("refusal listener failed", ex);
        }
        if (!counts) {
            return;
        }
        int n = failures.incrementAndGet();
        long delayMs = Math.min(4000L, 250L << Math.min(n - 1, 8));
        penaltyUntilNanos = System.nanoTime() + delayMs * 1_000_000L;
        if (n >= maxFailures && !closed) {
            outcomes.add(new PairingException(Reason.TOO_MANY_ATTEMPTS, "pairing stopped after " + n
                    + " refused attempts; start a new pairing"));
            closeServer();
        }
    }

    private static String hostPort(InetSocketAddress a) {
        InetAddress ia = a.getAddress();
        String h = ia == null ? a.getHostString() : ia.getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    private void closeServer() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Stops listening; a session already handed out by {@link #accept} stays open. */
    @Override
    public void close() {
        closed = true;
        closeServer();
        acceptor.interrupt();
    }
}
