package dev.peerlink.peer.internal.ladder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peerlink.peer.IncomingRequest;
import dev.peerlink.peer.LadderConfig;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.peer.internal.stream.MigratingConnection;
import dev.peerlink.protocol.Endpoints;
import dev.peerlink.protocol.PeerRef;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.secure.PeerIdentity;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.TlsTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target's (controlled) half of a ladder run: accepts the initiator's TCP and UDP checks, dials back when asked
 * (reverse) or when {@code reverseAfter} passed without a connection, starts its own UDP checks on the punch signal
 * (or a little after the planned time, should the signal be lost), connects to the initiator's relay allocation when
 * told where it is — and waits on every session that completes a handshake for the initiator's nomination.
 */
public final class ResponderLadder extends LadderSide {
    private static final Logger LOG = LoggerFactory.getLogger(ResponderLadder.class);
    /** Extra wait before acting on our own timers, so the initiator's signal normally decides. */
    private static final Duration SLACK = Duration.ofMillis(500);

    private final IncomingRequest request;
    private final Consumer<PeerConnection> deliver;
    private final AtomicBoolean dialedBack = new AtomicBoolean();
    private final AtomicBoolean relayOpened = new AtomicBoolean();
    private final PeerRef from;
    private volatile PeerIdentity expected;

    public ResponderLadder(LadderContext ctx, IncomingRequest request, Consumer<PeerConnection> deliver) {
        super(ctx, request.session(), false);
        this.request = request;
        this.deliver = deliver;
        this.from = request.from();
    }

    /** Answers the request and runs the target's side; returns at once. */
    public void run() {
        Thread.ofVirtual().name("peerlink-ladder-" + session).start(() -> {
            try {
                start();
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: cannot answer {}: {}", session, from.deviceId(), e.toString());
                request.reject("cannot set up: " + e.getMessage());
                finish();
            }
        });
    }

    private void start() throws IOException {
        LadderConfig cfg = ctx.config();
        try {
            theirs = sane(LadderOffer.from(request.offer()));
        } catch (ProtocolException e) {
            request.reject("not a ladder offer");
            return;
        }
        expected = PeerIdentity.fromBase64(from.publicKey());
        prepare();
        ctx.routes().put(session, this);
        startAccepting();
        udp.addTargets(theirs.udp().stream().filter(a -> cfg.allows(PathPlan.label(a, "punch"))).toList());
        udp.start();
        udp.contact().thenAcceptAsync(this::quicOverChecked, r -> Thread.ofVirtual().start(r));
        request.accept(mine.toBlob()).exceptionally(e -> {
            LOG.debug("{}: answer failed: {}", session, e.toString());
            finish();
            return null;
        });
        schedule(cfg.timeout(), this::finish);
        startBirthday();
        boolean reverse = cfg.allows("reverse") && PathPlan.reverseUseful(theirs, mine);
        if (reverse) {
            schedule(cfg.reverseAfter().plus(SLACK), this::dialBack);
        }
        schedule((reverse ? cfg.reverseAfter().plus(cfg.reverseGrace()) : cfg.punchAfter()).plus(SLACK), this::punch);
    }

    @Override
    protected void onSignal(String type, JsonNode data) {
        switch (type) {
            case "reverse" -> Thread.ofVirtual().start(this::dialBack);
            case "punch" -> punch();
            case "relay" -> {
                String a = data.path("addr").asText("");
                InetSocketAddress addr = a.isEmpty() ? null : Endpoints.parse(a);
                Thread.ofVirtual().start(() -> relaySignal(addr));
            }
            case "birthday" -> birthdaySignal(data);
            default -> LOG.debug("{}: unknown ladder signal {}", session, type);
        }
    }

    private void punch() {
        if (!settled() && ctx.config().allows("punch") && !PathPlan.tcpOnly(mine, theirs)) {
            udp.startSending();
        }
    }

    private void dialBack() {
        if (settled() || finished || !ctx.config().allows("reverse") || !dialedBack.compareAndSet(false, true)) {
            return;
        }
        LOG.debug("{}: dialing back {}", session, theirs.tcp());
        TcpDialer.dial(theirs.tcp(), Duration.ofMillis(100), Duration.ofSeconds(3)).whenComplete((d, e) -> {
            if (d != null) {
                Thread.ofVirtual().start(() -> tlsAccept(d.socket(), "reverse"));
            } else {
                LOG.debug("{}: dial-back failed: {}", session, e.toString());
            }
        });
    }

    /** The brokered initiator's key (null until the run started). */
    PeerIdentity initiatorKey() {
        return expected;
    }

    /**
     * A session from the device's persistent listener (path {@code mapped}) whose peer proved {@link #initiatorKey()}:
     * waits for its nomination like any other session. False when this run no longer takes sessions.
     */
    boolean takeMapped(SecureSession s) {
        if (finished || settled() || !ctx.config().allows("mapped")) {
            return false;
        }
        Thread.ofVirtual().start(() -> awaitNomination(s));
        return true;
    }

    @Override
    protected void onAccepted(Socket socket) {
        tlsAccept(socket, "direct");
    }

    private void tlsAccept(Socket socket, String what) {
        try {
            awaitNomination(TlsTransport.accept(socket, ctx.self(), expected, ctx.config().session()));
        } catch (IOException e) {
            LOG.debug("{}: TLS ({}) failed: {}", session, what, e.toString());
            closeQuietly(socket);
        }
    }

    private void quicOverChecked(InetSocketAddress remote) {
        try {
            DatagramChannel ch = udp.handOff();
            ctx.quic().accept(ch, ctx.self(), expected, ctx.config().session()).whenComplete((s, e) -> {
                if (s != null) {
                    Thread.ofVirtual().start(() -> awaitNomination(s));
                } else {
                    LOG.debug("{}: QUIC from {} failed: {}", session, remote, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.debug("{}: no UDP path: {}", session, e.toString());
        }
    }

    @Override
    protected void birthdayChannel(DatagramChannel ch, InetSocketAddress remote) {
        ctx.quic().accept(ch, ctx.self(), expected, ctx.config().session()).whenComplete((s, e) -> {
            if (s != null) {
                Thread.ofVirtual().start(() -> awaitNomination(s));
            } else {
                LOG.debug("{}: QUIC over the birthday path from {} failed: {}", session, remote, e.toString());
            }
        });
    }

    /**
     * The initiator's relayed address, or (null) its word that we allocate: a UDP-blocked target reaches a relay only
     * over TCP/TLS, so it holds an allocation of its own — the initiator sends to it from a plain socket, or, itself
     * UDP-blocked, from its own relayed address.
     */
    private void relaySignal(InetSocketAddress initiatorRelayed) {
        if (settled() || finished) {
            return;
        }
        if (PathPlan.udpBlocked(mine)) {
            if (relayOpened.compareAndSet(false, true)) {
                openOwnRelay(from.deviceId(), peerIps(), initiatorRelayed, this::awaitNomination);
            }
        } else if (initiatorRelayed != null) {
            connectToRelay(initiatorRelayed, this::awaitNomination);
        }
    }

    @Override
    protected PeerIdentity peerKey() {
        return expected;
    }

    /** Waits for the initiator to nominate {@code s}; the nomination names the path both sides report. */
    private void awaitNomination(SecureSession s) {
        String path = Selection.awaitNomination(s, NOMINATION_TIMEOUT.plusSeconds(5));
        LOG.debug("{}: nomination on a {} session: {}", session, s.transport(), path);
        if (path == null || !LadderConfig.ALL_PATHS.contains(path)) {
            s.close();
            return;
        }
        adopt(s, path, () -> true);
    }

    @Override
    protected PeerRef peerRef() {
        return from;
    }

    @Override
    protected void onConnected(MigratingConnection c) {
        Thread.ofVirtual().start(() -> deliver.accept(c));
    }
}
