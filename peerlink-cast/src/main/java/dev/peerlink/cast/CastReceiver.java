package dev.peerlink.cast;

import dev.peerlink.cast.internal.CastHello;
import dev.peerlink.cast.internal.StreamBridge;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.peer.pairing.PairingCode;
import dev.peerlink.peer.pairing.PairingException;
import dev.peerlink.peer.pairing.PairingListener;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PC of seed 000: shows a pairing code (its addresses, key and a one-time token) and receives one cast at a time.
 * A phone that reaches it directly dials the pairing listener; one that cannot (the PC's firewall drops inbound)
 * connects through the server, where the ladder has the PC dial back ({@code reverse}) — or punches or relays across
 * NATs. Either way the cast is RTMP inside the encrypted connection. On a LAN a stock RTMP client may also publish in
 * plain RTMP with the token as the stream key ({@link PlainCastServer}, off unless given). Whichever path claims the
 * code first spends it; after a cast ends a fresh code is shown.
 *
 * <pre>{@code
 * CastReceiver rx = CastReceiver.builder(identity).peer(peer).media(media).onEvent(e -> log(e.toJson())).start();
 * show(rx.code().toText());
 * }</pre>
 */
public final class CastReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CastReceiver.class);
    /** Stream key inside the encrypted link: the token already authorised the sender. */
    public static final String KEY = "live";
    /** Wrong plain stream keys per code before plain publishing is off until the next code (a brute-force guard). */
    public static final int MAX_PLAIN_FAILURES = 20;

    private final DeviceIdentity identity;
    private final Peer peer;
    private final ReceiverMedia media;
    private final InetSocketAddress bind;
    private final List<InetSocketAddress> advertise;
    private final Duration ttl;
    private final Consumer<CastEvent> events;
    private final java.util.Set<String> allowed;
    private final PlainCastServer plain;
    private final Object lock = new Object();
    private volatile Round round;
    private volatile boolean closed;

    /** One pairing code and the cast it admits. */
    private final class Round {
        final PairingListener listener;
        final AtomicBoolean claimed = new AtomicBoolean();
        final AtomicInteger plainFailures = new AtomicInteger();
        volatile CastLink link;
        /** The stock client casting in plain RTMP, once it claimed this code. */
        volatile InetSocketAddress plainPublisher;

        Round(PairingListener listener) {
            this.listener = listener;
        }
    }

    private CastReceiver(Builder b) {
        this.identity = b.identity;
        this.peer = b.peer;
        this.media = Objects.requireNonNull(b.media, "media");
        this.bind = b.bind;
        this.advertise = b.advertise;
        this.ttl = b.ttl;
        this.events = b.events;
        this.allowed = java.util.Set.copyOf(b.allowed);
        this.plain = b.plain;
    }

    public static Builder builder(DeviceIdentity identity) {
        return new Builder(identity);
    }

    /** The code now shown (it changes after each cast). */
    public PairingCode code() {
        return round.listener.code();
    }

    /** The pairing listener's bound address (the port in the code). */
    public InetSocketAddress listenAddress() {
        return round.listener.localAddress();
    }

    /** What a stock RTMP client publishes to for the current code, or null without plain RTMP. */
    public String plainUrl() {
        return plain == null ? null : plain.url(code());
    }

    private CastReceiver start() throws IOException {
        if (plain != null) {
            plain.attach(new PlainGate());
        }
        if (peer != null) {
            // any registered device may ask; only the holder of the current token gets past the hello
            peer.acceptFrom(ref -> true);
            peer.onConnection(c -> Thread.ofVirtual().name("cast-brokered").start(() -> onBrokered(c)));
        }
        newRound();
        return this;
    }

    private void newRound() throws IOException {
        PairingListener.Builder lb = PairingListener.builder(identity).bind(bind).ttl(ttl);
        if (advertise != null) {
            lb.advertise(advertise);
        }
        Round r = new Round(lb.start());
        synchronized (lock) {
            if (closed) {
                r.listener.close();
                return;
            }
            round = r;
        }
        events.accept(CastEvent.waiting(r.listener.code().toText()));
        Thread.ofVirtual().name("cast-pairing-accept").start(() -> acceptDirect(r));
    }

    private void acceptDirect(Round r) {
        try {
            PairingListener.Paired p = r.listener.accept();
            if (!r.claimed.compareAndSet(false, true)) {
                p.session().close(); // a brokered connection won the race for this code
                return;
            }
            String id = p.deviceId().map(d -> d.value()).orElse(p.peer().fingerprint());
            serve(r, CastLink.of(p.session(), id, Duration.ZERO));
        } catch (PairingException e) {
            if (!closed && r == round && r.claimed.compareAndSet(false, true)) { // retired: no late claim
                // expired or gave up: show a fresh code
                LOG.info("pairing code ended: {}", e.getMessage());
                rotate(r);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onBrokered(PeerConnection c) {
        Round r = round;
        CastLink link = CastLink.of(c);
        try {
            SecureStream hello = c.acceptStream();
            if (hello == null) {
                return;
            }
            int status;
            byte[] token = CastHello.read(hello.input());
            if (token == null) {
                status = CastHello.BAD_REQUEST;
            } else if (CastHello.isNoCode(token)) {
                status = !allowed.contains(link.peerId()) ? CastHello.NOT_ALLOWED
                        : r.claimed.compareAndSet(false, true) ? CastHello.OK : CastHello.BUSY;
            } else if (!CastHello.matches(r.listener.code().token(), token)) {
                status = CastHello.WRONG_TOKEN;
            } else if (r.listener.code().expiredAt(java.time.Instant.now())) {
                status = CastHello.EXPIRED;
            } else if (!r.claimed.compareAndSet(false, true)) {
                status = CastHello.TOKEN_USED;
            } else {
                status = CastHello.OK;
            }
            hello.output().write(status);
            hello.output().flush();
            hello.close();
            if (status != CastHello.OK) {
                events.accept(CastEvent.refused(link.peerId(), CastHello.describe(status)));
                c.close();
                return;
            }
            r.listener.close(); // the code is spent: a late direct dial is told so
            serve(r, link);
        } catch (IOException e) {
            events.accept(CastEvent.refused(link.peerId(), "hello failed: " + e.getMessage()));
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close();
        }
    }

    private void serve(Round r, CastLink link) {
        r.link = link;
        events.accept(CastEvent.casting(link));
        CompletableFuture<Void> done;
        try {
            if (link.receiverDials()) {
                // seed 000: the PC dialled back, so it runs the RTMP client and plays the phone's stream
                SecureStream s = link.openStream();
                StreamBridge.Listener bridge = new StreamBridge.Listener(s);
                done = media.playFrom(bridge.address(), KEY).whenComplete((v, e) -> bridge.close());
            } else {
                SecureStream s = link.acceptStream();
                if (s == null) {
                    throw new IOException("the connection closed before the stream opened");
                }
                done = StreamBridge.toLocal(s, media.admitPublisher());
            }
        } catch (IOException e) {
            done = CompletableFuture.failedFuture(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((v, e) -> {
            events.accept(CastEvent.ended(link, e == null ? "stream ended" : String.valueOf(rootMessage(e))));
            link.close();
            rotate(r);
        });
    }

    /** Plain RTMP from a stock client: the stream key must be the current token, and claims the code like a dial. */
    private final class PlainGate implements PlainCastServer.Gate {
        @Override
        public boolean admit(InetSocketAddress remote, String app, String key) {
            Round r = round;
            if (closed || r == null) {
                return false;
            }
            String peer = label(remote);
            if (r.plainFailures.get() >= MAX_PLAIN_FAILURES) {
                events.accept(CastEvent.refused(peer, "plain RTMP is off until the next code (too many wrong keys)"));
                return false;
            }
            PairingCode code = r.listener.code();
            if (!LiveReceiverMedia.APP.equals(app) || !tokenMatches(code, key)) {
                int n = r.plainFailures.incrementAndGet();
                events.accept(CastEvent.refused(peer, "wrong stream key (plain RTMP, " + n + " of " + MAX_PLAIN_FAILURES + ")"));
                return false;
            }
            String why = code.expiredAt(java.time.Instant.now()) ? "code expired"
                    : !r.claimed.compareAndSet(false, true) ? "token already used" : null;
            if (why != null) {
                events.accept(CastEvent.refused(peer, why + " (plain RTMP)"));
                return false;
            }
            r.plainPublisher = remote;
            r.listener.close(); // the code is spent: a late direct dial is refused
            return true;
        }

        @Override
        public void started(InetSocketAddress remote) {
            if (remote.equals(round.plainPublisher)) {
                events.accept(new CastEvent("casting", "plain", label(remote), -1, null));
            }
        }

        @Override
        public void ended(InetSocketAddress remote, String why) {
            Round r = round;
            if (remote.equals(r.plainPublisher)) {
                r.plainPublisher = null;
                events.accept(new CastEvent("ended", "plain", label(remote), -1, why));
                Thread.ofVirtual().name("cast-plain-ended").start(() -> rotate(r)); // not on the I/O thread
            }
        }

        private static boolean tokenMatches(PairingCode code, String key) {
            if (key.length() != 2 * PairingCode.TOKEN_LENGTH) {
                return false;
            }
            try {
                return MessageDigest.isEqual(code.token(), HexFormat.of().parseHex(key)); // constant time
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        private static String label(InetSocketAddress remote) {
            return remote.getAddress().getHostAddress() + ":" + remote.getPort();
        }
    }

    private void rotate(Round old) {
        synchronized (lock) {
            if (closed || round != old) {
                return;
            }
        }
        old.listener.close();
        try {
            newRound();
        } catch (IOException e) {
            LOG.warn("cannot start a new pairing listener: {}", e.toString());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t != t.getCause()) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public void close() {
        Round r;
        synchronized (lock) {
            closed = true;
            r = round;
        }
        if (plain != null) {
            plain.attach(null);
        }
        if (r != null) {
            r.listener.close();
            CastLink l = r.link;
            if (l != null) {
                l.close();
            }
        }
    }

    public static final class Builder {
        private final DeviceIdentity identity;
        private Peer peer;
        private ReceiverMedia media;
        private InetSocketAddress bind = new InetSocketAddress(0);
        private List<InetSocketAddress> advertise;
        private Duration ttl = Duration.ofMinutes(10);
        private Consumer<CastEvent> events = e -> { };
        private java.util.Set<String> allowed = java.util.Set.of();
        private PlainCastServer plain;

        private Builder(DeviceIdentity identity) {
            this.identity = Objects.requireNonNull(identity);
        }

        /** A started-or-starting peer: lets phones that cannot reach us directly connect through the server. */
        public Builder peer(Peer peer) { this.peer = peer; return this; }

        public Builder media(ReceiverMedia media) { this.media = media; return this; }

        /** The pairing listener's address (default every interface, any port). */
        public Builder bind(InetSocketAddress bind) { this.bind = bind; return this; }

        /** Candidates to put in the code instead of the LAN addresses. */
        public Builder advertise(List<InetSocketAddress> a) { this.advertise = List.copyOf(a); return this; }

        public Builder ttl(Duration ttl) { this.ttl = ttl; return this; }

        /** Device ids that may cast through the server without a code ({@code cast send TARGET}); the ladder pins their keys. */
        public Builder allow(java.util.Collection<String> deviceIds) { this.allowed = java.util.Set.copyOf(deviceIds); return this; }

        public Builder onEvent(Consumer<CastEvent> events) { this.events = Objects.requireNonNull(events); return this; }

        /** Also admit a stock client's plain RTMP publish under the token (seed 000's unencrypted LAN case). */
        public Builder plain(PlainCastServer plain) { this.plain = plain; return this; }

        public CastReceiver start() throws IOException {
            return new CastReceiver(this).start();
        }
    }
}
