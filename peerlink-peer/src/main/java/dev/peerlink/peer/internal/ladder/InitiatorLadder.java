package dev.peerlink.peer.internal.ladder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peerlink.peer.Brokered;
import dev.peerlink.peer.ConnectException;
import dev.peerlink.peer.LadderConfig;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.peer.SignallingException;
import dev.peerlink.peer.internal.stream.MigratingConnection;
import dev.peerlink.protocol.Endpoints;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.Message;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initiator's (controlling) half of a ladder run. After the server brokered the session, at once: TCP to the
 * target's candidates (lan/direct) and UDP checks to its UDP candidates. When its TCP fails or {@code reverseAfter}
 * passes, it asks the target to dial back (reverse) if that can work; then asks the target to start its own UDP checks
 * (punch — both start on the server's word, so the start is synchronised to within the two server legs); the relay
 * joins after {@code relayAfter}, or at once when no direct path can exist. Every attempt that completes a secure
 * handshake is offered to {@link #adopt}; the initiator nominates the winner.
 */
public final class InitiatorLadder extends LadderSide {
    private static final Logger LOG = LoggerFactory.getLogger(InitiatorLadder.class);

    private final CompletableFuture<PeerConnection> result = new CompletableFuture<>();
    private final AtomicBoolean reverseAsked = new AtomicBoolean();
    private final AtomicBoolean punchStarted = new AtomicBoolean();
    private final AtomicBoolean relayStarted = new AtomicBoolean();
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile PeerRef target;
    private volatile PeerIdentity expected;

    public InitiatorLadder(LadderContext ctx, String session) {
        super(ctx, session, true);
    }

    public CompletableFuture<PeerConnection> run(Identity targetId) {
        Thread.ofVirtual().name("peerlink-ladder-" + session).start(() -> {
            try {
                start(targetId);
            } catch (ConnectException e) {
                fail(e);
            } catch (IOException | RuntimeException e) {
                fail(new ConnectException("no-path", "cannot start the ladder: " + e, e));
            }
        });
        return result;
    }

    private void start(Identity targetId) throws IOException {
        LadderConfig cfg = ctx.config();
        prepare();
        ctx.routes().put(session, this);
        Brokered b;
        try {
            b = ctx.signalling().connect(targetId, session, mine.toBlob(), Duration.ofSeconds(30)).get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof SignallingException se) {
                String code = se.code();
                String what = switch (code) {
                    case ErrorCode.OFFLINE -> targetId.value() + " is offline";
                    case ErrorCode.UNKNOWN_TARGET -> "no device " + targetId.value() + " is registered";
                    case ErrorCode.SELF -> "cannot connect to itself";
                    case ErrorCode.TIMEOUT -> targetId.value() + " did not answer (offline or cut off): " + se.getMessage();
                    default -> se.getMessage();
                };
                throw new ConnectException(code, what, se);
            }
            throw new ConnectException("signalling", "the server could not broker the session: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("signalling", "interrupted", e);
        }
        if (!b.accepted()) {
            throw new ConnectException("refused", targetId.value() + " refused the connection"
                    + (b.reason() == null || b.reason().isEmpty() ? "" : ": " + b.reason()), null);
        }
        target = b.peer();
        expected = PeerIdentity.fromBase64(target.publicKey());
        try {
            theirs = sane(LadderOffer.from(b.answer()));
        } catch (ProtocolException e) {
            throw new ConnectException("refused", "the target's answer is not a ladder answer: " + e.getMessage(), e);
        }
        schedule(cfg.timeout().minus(elapsed()), this::deadline);

        boolean reverse = cfg.allows("reverse") && PathPlan.reverseUseful(mine, theirs);
        if (reverse) {
            startAccepting();
        }
        // A UDP-blocked side (issue 18): no UDP checks, punch or birthday; TCP paths and the relay over TCP/TLS only.
        boolean tcpOnly = PathPlan.tcpOnly(mine, theirs);
        // UDP: our checks to every candidate of the target from now on (direct); the target joins at the punch start.
        List<InetSocketAddress> udpTargets = tcpOnly ? List.of() : theirs.udp().stream().filter(this::allowedNow).toList();
        udp.addTargets(udpTargets);
        udp.start();
        if (!udpTargets.isEmpty()) {
            udp.startSending();
        }
        udp.contact().thenAcceptAsync(this::quicOverChecked, r -> Thread.ofVirtual().start(r));
        // TCP: lan and direct candidates, Happy Eyeballs.
        List<InetSocketAddress> tcpTargets = theirs.tcp().stream().filter(this::allowedNow).toList();
        TcpDialer.dial(tcpTargets, Duration.ofMillis(100), cfg.reverseAfter()).whenComplete((d, e) -> {
            LOG.debug("{}: TCP to {}: {}", session, tcpTargets, d != null ? d.remote() : e.toString());
            if (d != null) {
                Thread.ofVirtual().start(() -> tls(d.socket(), PathPlan.label(d.remote(), "direct")));
            } else if (e instanceof TcpDialer.DialException de && de.refused()
                    || e instanceof CompletionException ce && ce.getCause() instanceof TcpDialer.DialException de2 && de2.refused()) {
                askReverse();
            }
            if (d == null && tcpOnly && !reverse) {
                startRelay(); // nothing else is left to wait for
            }
        });
        // mapped: the target's gateway TCP mappings of its persistent listener, at once, alongside lan/direct.
        List<InetSocketAddress> mappedTargets = cfg.allows("mapped") ? theirs.mapped() : List.of();
        if (!mappedTargets.isEmpty()) {
            TcpDialer.dial(mappedTargets, Duration.ofMillis(100), cfg.timeout().minus(elapsed())).whenComplete((d, e) -> {
                LOG.debug("{}: TCP to mapped {}: {}", session, mappedTargets, d != null ? d.remote() : e.toString());
                if (d != null) {
                    Thread.ofVirtual().start(() -> tls(d.socket(), "mapped"));
                }
            });
        }
        schedule(cfg.reverseAfter().minus(elapsed()), this::askReverse);
        if (!reverse && !tcpOnly) {
            schedule(cfg.punchAfter().minus(elapsed()), this::startPunch);
        }
        boolean birthdayRuns = startBirthday();
        if (mine.relay() && cfg.allows("relay")) {
            // Behind a proxy a TCP-only device's own dials most likely die unanswered (a proxy-only network): the relay
            // through the proxy starts at once, and a direct path that still connects later takes over (a move).
            boolean proxied = ctx.signalling().proxy() != null;
            boolean hopeless = tcpOnly ? proxied || !PathPlan.tcpPathPossible(mine, theirs)
                    : PathPlan.punchImpossible(mine, theirs) && !reverse;
            // When a reverse connection is planned, the relay waits for it (and for the punch after it) a little longer.
            // Birthday punching runs first: the relay then joins at relayAfter (3 s ≈ the default probe budget)
            // instead of at once; a later hit still moves the connection off the relay.
            Duration relayAt = reverse ? cfg.relayAfter().plus(cfg.reverseGrace()) : cfg.relayAfter();
            schedule(hopeless && !birthdayRuns ? Duration.ZERO : relayAt.minus(elapsed()), this::startRelay);
        }
    }

    /** lan for private candidates, direct for public ones — each only when allowed. */
    private boolean allowedNow(InetSocketAddress a) {
        return ctx.config().allows(PathPlan.label(a, "direct"));
    }

    private void askReverse() {
        if (settled() || !reverseAsked.compareAndSet(false, true)) {
            return;
        }
        if (ctx.config().allows("reverse") && PathPlan.reverseUseful(mine, theirs)) {
            LOG.debug("{}: asking {} to dial back", session, target.deviceId());
            sendSignal(target.deviceId(), "reverse", null, null);
            schedule(ctx.config().reverseGrace(), this::startPunch);
        }
    }

    private void startPunch() {
        if (!ctx.config().allows("punch") || PathPlan.tcpOnly(mine, theirs) || settled() || !punchStarted.compareAndSet(false, true)) {
            return;
        }
        udp.addTargets(theirs.udp());
        udp.startSending();
        sendSignal(target.deviceId(), "punch", null, null);
    }

    private void quicOverChecked(InetSocketAddress remote) {
        String path = PathPlan.label(remote, punchStarted.get() ? "punch" : "direct");
        try {
            DatagramChannel ch = udp.handOff();
            ctx.quic().connect(ch, remote, ctx.self(), expected, ctx.config().session())
                    .whenComplete((s, e) -> {
                        if (s != null) {
                            Thread.ofVirtual().start(() -> adoptNominated(s, path, remote));
                        } else {
                            LOG.debug("{}: QUIC over {} failed: {}", session, remote, e.toString());
                        }
                    });
        } catch (IOException e) {
            LOG.debug("{}: no UDP path: {}", session, e.toString());
        }
    }

    @Override
    protected void birthdayGaveUp() {
        if (mine.relay() && ctx.config().allows("relay") && !PathPlan.tcpOnly(mine, theirs)) {
            startRelay();
        }
    }

    @Override
    protected void birthdayChannel(DatagramChannel ch, InetSocketAddress remote) {
        ctx.quic().connect(ch, remote, ctx.self(), expected, ctx.config().session()).whenComplete((s, e) -> {
            if (s != null) {
                Thread.ofVirtual().start(() -> adoptNominated(s, "birthday", remote));
            } else {
                LOG.debug("{}: QUIC over the birthday path to {} failed: {}", session, remote, e.toString());
            }
        });
    }

    @Override
    protected void onAccepted(Socket socket) {
        tls(socket, "reverse");
    }

    private void tls(Socket socket, String path) {
        try {
            SecureSession s = TlsTransport.connect(socket, ctx.self(), expected, ctx.config().session());
            LOG.debug("{}: TLS session on {} ({})", session, path, socket.getRemoteSocketAddress());
            adoptNominated(s, path, (InetSocketAddress) socket.getRemoteSocketAddress());
        } catch (IOException e) {
            LOG.debug("{}: TLS on {} failed: {}", session, path, e.toString());
            closeQuietly(socket);
        }
    }

    private void startRelay() {
        if (conn != null || !relayStarted.compareAndSet(false, true)) {
            return;
        }
        if (PathPlan.udpBlocked(theirs) && !PathPlan.udpBlocked(mine)) {
            // The target reaches a relay only over TCP/TLS: it allocates and signals its relayed address, and we send
            // to that from a plain socket (onSignal) — one allocation, where ours would need the target to send UDP.
            sendSignal(target.deviceId(), "relay", null, null);
            return;
        }
        openOwnRelay(target.deviceId(), peerIps(), null, s -> adoptNominated(s, "relay", ownRelay().peer()));
    }

    /**
     * {@code remote}: where the path leads (for the relay the target's relayed address, null on our own allocation),
     * logged with the family for bed tests and users.
     */
    private boolean adoptNominated(SecureSession s, String path, InetSocketAddress remote) {
        boolean adopted = adopt(s, path, () -> Selection.nominate(s, path, NOMINATION_TIMEOUT));
        if (adopted && remote != null) {
            LOG.info("{}: {} path to {} over IPv{}", session, path, Endpoints.format(remote),
                    remote.getAddress() instanceof java.net.Inet6Address ? 6 : 4);
        }
        return adopted;
    }

    @Override
    protected void onSignal(String type, JsonNode data) {
        switch (type) {
            case "birthday" -> birthdaySignal(data);
            case "relay" -> { // a UDP-blocked target's relayed address (it allocated over TCP/TLS)
                InetSocketAddress addr = Endpoints.parse(data.path("addr").asText(""));
                Thread.ofVirtual().start(() -> targetRelayed(addr));
            }
            default -> LOG.debug("{}: unexpected ladder signal {} from the target", session, type);
        }
    }

    private void targetRelayed(InetSocketAddress addr) {
        if (ownRelay() != null) {
            bindOnOwnRelay(addr); // both UDP-blocked: relay to relay, its QUIC comes from that address
        } else {
            connectToRelay(addr, s -> adoptNominated(s, "relay", addr));
        }
    }

    @Override
    protected PeerIdentity peerKey() {
        return expected;
    }

    @Override
    protected PeerRef peerRef() {
        return target;
    }

    @Override
    protected void onConnected(MigratingConnection c) {
        result.complete(c);
        report(Message.LadderReport.CONNECTED, c.path(), c.setupTime(), null);
    }

    private void deadline() {
        if (conn == null) {
            fail(new ConnectException("no-path", "no path to " + (target == null ? "the target" : target.deviceId().value())
                    + " within " + ctx.config().timeout().toMillis() + " ms", null));
        } else {
            finish();
        }
    }

    private void fail(ConnectException e) {
        finish();
        result.completeExceptionally(e);
        if (target != null) { // the server brokered the session and the target accepted: the ladder itself failed
            String code = e.code() != null && e.code().matches("[a-z-]{1,40}") ? e.code() : "other";
            report(Message.LadderReport.FAILED, null, elapsed(), code);
        }
    }

    /**
     * Tells the server once how this run ended, for its path and setup-time metrics (only the initiator reports: it
     * measured the whole setup, and one report per connection keeps the counts honest). Best effort and asynchronous:
     * sent after the caller has its result, never waited for, never retried.
     */
    private void report(String outcome, String path, Duration setup, String reason) {
        if (!reported.compareAndSet(false, true)) {
            return;
        }
        long ms = Math.min(Math.max(0, setup.toMillis()), Message.LadderReport.MAX_SETUP_MS);
        try {
            ctx.signalling().ladderReport(session, outcome, path, ms, reason).whenComplete((x, e) -> {
                if (e != null) {
                    LOG.debug("{}: ladder report not taken: {}", session, e.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("{}: no ladder report: {}", session, e.toString()); // e.g. the client is closing
        }
    }

}
