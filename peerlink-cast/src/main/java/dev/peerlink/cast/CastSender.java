package dev.peerlink.cast;

import dev.peerlink.cast.internal.CastHello;
import dev.peerlink.cast.internal.StreamBridge;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.peer.pairing.PairingCode;
import dev.peerlink.peer.pairing.PairingDialer;
import dev.peerlink.peer.pairing.PairingException;
import dev.peerlink.protocol.Identity;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The phone of seed 000: reads the PC's pairing code and casts to it. First it dials the PC directly at the addresses
 * in the code (TLS pinned to the code's key, the one-time token presented); when that is blocked — the PC's firewall
 * drops inbound — it connects through the server, and the ladder has the PC dial back to this device ({@code reverse})
 * or finds another path across NATs. Then RTMP runs inside the encrypted connection: this side publishes, or on the
 * reverse path serves while the PC plays (the side that dialled runs the RTMP client, as in the seed).
 *
 * <pre>{@code
 * CastSender.Session s = CastSender.builder(identity).code(PairingCode.parse(text)).peer(() -> peer).media(media).connect();
 * System.out.println(s.link().path()); s.done().join();
 * }</pre>
 */
public final class CastSender {
    /** A direct dial on a LAN finishes in milliseconds; a firewall that drops SYNs never answers. */
    public static final Duration DEFAULT_DIRECT_TIMEOUT = Duration.ofMillis(1500);

    /** After the source ends, how long the last frames may take to reach the receiver. */
    static final Duration END_GRACE = Duration.ofSeconds(5);

    private final DeviceIdentity identity;
    private final PairingCode code;
    private final String target;
    private final Supplier<Peer> peer;
    private final SenderMedia media;
    private final Duration directTimeout;
    private final Duration timeout;
    private final boolean viaServer;

    /** A running cast: the link it rides on and a future that completes when it ends. */
    public record Session(CastLink link, CompletableFuture<Void> done) {}

    private CastSender(Builder b) {
        this.identity = b.identity;
        if ((b.code == null) == (b.target == null)) {
            throw new IllegalArgumentException("cast to a pairing code or to a device id (allowed by the receiver), one of them");
        }
        this.code = b.code;
        this.target = b.target;
        this.peer = b.peer;
        this.media = Objects.requireNonNull(b.media, "media");
        this.directTimeout = b.directTimeout;
        this.timeout = b.timeout;
        this.viaServer = b.viaServer;
    }

    public static Builder builder(DeviceIdentity identity) {
        return new Builder(identity);
    }

    /** Connects (direct, else through the server) and starts the stream. */
    public Session connect() throws CastException, InterruptedException {
        long t0 = System.nanoTime();
        CastLink link;
        if (target != null) {
            if (peer == null) {
                throw new CastException("casting to " + target + " without a code goes through the server: give one", null);
            }
            link = throughServer(target, null, CastHello.NO_CODE);
        } else if (viaServer) {
            if (peer == null) {
                throw new CastException("connecting through the server needs a server", null);
            }
            link = throughServer(code.deviceId().value(), code.identity().toBase64(), code.token());
        } else {
            try {
                link = dialDirect(t0);
            } catch (PairingException e) {
                if (peer == null || !fallsBack(e)) {
                    throw new CastException("cannot reach " + code.deviceId() + ": " + e.getMessage(), e);
                }
                link = throughServer(code.deviceId().value(), code.identity().toBase64(), code.token());
            }
        }
        return new Session(link, start(link));
    }

    private static boolean fallsBack(PairingException e) {
        return e.reason() == PairingException.Reason.UNREACHABLE || e.reason() == PairingException.Reason.TIMEOUT;
    }

    private CastLink dialDirect(long t0) throws PairingException, InterruptedException {
        dev.peerlink.secure.DeviceIdentity secure =
                dev.peerlink.secure.DeviceIdentity.of(new KeyPair(identity.publicKey(), identity.privateKey()));
        SecureSession s = PairingDialer.dial(code, secure, identity.deviceId(), SessionConfig.defaults(), directTimeout);
        return CastLink.of(s, code.deviceId().value(), Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Through the server and the ladder to {@code id}; {@code key} (base64) is the key to insist on, when known. */
    private CastLink throughServer(String id, String key, byte[] token) throws CastException, InterruptedException {
        Peer p = peer.get();
        PeerConnection c;
        try {
            c = p.connect(Identity.device(id)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new CastException("cannot connect to " + id + " through the server: "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        } catch (TimeoutException e) {
            throw new CastException("no path to " + id + " within " + timeout.toSeconds() + " s", e);
        }
        // the server vouched for a key; the code the user scanned is what we trust
        if (key != null && !key.equals(c.peer().publicKey())) {
            c.close();
            throw new CastException(id + " registered with another key than the one in the code", null);
        }
        CastLink link = CastLink.of(c);
        try (SecureStream hello = c.openStream()) {
            CastHello.write(hello.output(), token);
            int status = hello.input().read();
            if (status != CastHello.OK) {
                c.close();
                throw new CastException("refused by " + id + ": " + CastHello.describe(status), null);
            }
        } catch (IOException e) {
            c.close();
            throw new CastException("hello to " + id + " failed: " + e.getMessage(), e);
        }
        return link;
    }

    private CompletableFuture<Void> start(CastLink link) throws CastException, InterruptedException {
        try {
            media.start();
            CompletableFuture<Void> done;
            if (link.receiverDials()) {
                // the PC dialled back: it opens the stream and plays; we serve the encoder's stream
                SecureStream s = link.acceptStream();
                if (s == null) {
                    throw new IOException("the connection closed before the receiver opened its stream");
                }
                done = StreamBridge.toLocal(s, media.admitPlayer());
            } else {
                SecureStream s = link.openStream();
                StreamBridge.Listener bridge = new StreamBridge.Listener(s);
                done = media.publishTo(bridge.address(), CastReceiver.KEY).whenComplete((v, e) -> bridge.close());
            }
            // when the source ends the stream ends by itself (unpublish, or end-of-stream to the player) and `done`
            // completes once the last frame is written; the grace only bounds a receiver that never closes
            CompletableFuture<Void> all = new CompletableFuture<>();
            done.whenComplete((v, e) -> complete(all, e));
            media.finished().whenComplete((v, e) -> done.orTimeout(END_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((v2, e2) -> complete(all, e != null ? e : e2)));
            // the receiver closes the link once it has everything; closing it here at once could cut the last bytes
            CompletableFuture<Void> ended = all.handle((v, e) -> e).thenCompose(e -> link.closed()
                    .completeOnTimeout(null, END_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                    .thenCompose(x -> e == null ? CompletableFuture.<Void>completedFuture(null) : CompletableFuture.<Void>failedFuture(e)));
            ended.whenComplete((v, e) -> link.close());
            return ended;
        } catch (IOException e) {
            link.close();
            throw new CastException("cannot start the stream: " + e.getMessage(), e);
        }
    }

    private static void complete(CompletableFuture<Void> f, Throwable e) {
        if (e == null) {
            f.complete(null);
        } else {
            f.completeExceptionally(e);
        }
    }

    public static final class Builder {
        private final DeviceIdentity identity;
        private PairingCode code;
        private String target;
        private Supplier<Peer> peer;
        private SenderMedia media;
        private Duration directTimeout = DEFAULT_DIRECT_TIMEOUT;
        private Duration timeout = Duration.ofSeconds(20);
        private boolean viaServer;

        private Builder(DeviceIdentity identity) {
            this.identity = Objects.requireNonNull(identity);
        }

        public Builder code(PairingCode code) { this.code = code; return this; }

        /** Instead of a code: cast to this device id through the server; it must allow this device ({@code --allow}). */
        public Builder target(String deviceId) { this.target = deviceId; return this; }

        /** A registered peer, asked for only when the direct dial fails (so a LAN cast needs no server). */
        public Builder peer(Supplier<Peer> peer) { this.peer = peer; return this; }

        public Builder media(SenderMedia media) { this.media = media; return this; }

        public Builder directTimeout(Duration d) { this.directTimeout = d; return this; }

        public Builder timeout(Duration d) { this.timeout = d; return this; }

        /** Skips the direct dial: straight to the server and the ladder (measurements, or a known-blocked PC). */
        public Builder viaServer(boolean on) { this.viaServer = on; return this; }

        public CastSender build() {
            return new CastSender(this);
        }
    }
}
