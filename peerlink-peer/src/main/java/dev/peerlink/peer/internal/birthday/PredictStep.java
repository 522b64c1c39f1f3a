package dev.peerlink.peer.internal.birthday;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.peer.internal.ladder.LadderSide;
import dev.peerlink.protocol.Endpoints;
import dev.peerlink.protocol.NetworkInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The birthday step when both devices are symmetric (issue 18): two-sided port prediction, for sequential NATs only.
 * Each side opens {@link #SOCKETS} sockets, learns its NAT's current port P from one STUN binding on a fresh socket and
 * signals {@code {"t":"birthday","seq":"203.0.113.105:40012","delta":1}} (or {@code "seq":false} when its NAT is not
 * sequential: the step ends on both sides and the initiator's relay starts at once). With both signals in, both send
 * ({@link PredictSide}); the first meeting pair carries QUIC (the initiator is the client).
 */
final class PredictStep implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictStep.class);
    /** K: sockets per side — the window of predicted ports, wide enough for a few mappings of other traffic. */
    static final int SOCKETS = 24;
    /** C: the other side's offset cycle; total shifts 0..C-1 of both NATs still leave K/C meeting pairs. */
    static final int CYCLE = 8;
    static final int ROUNDS = 10;
    static final Duration INTERVAL = Duration.ofMillis(100);

    private final String session;
    private final boolean controlling;
    private final int answers;
    private final Consumer<ObjectNode> signal;
    private final BiConsumer<DatagramChannel, InetSocketAddress> onChannel;
    private final Runnable onGiveUp;
    private final AtomicBoolean gaveUp = new AtomicBoolean();
    private PredictSide side;
    private InetAddress peerIp;
    private InetAddress myIp;
    private int peerBase;
    private int peerDelta;
    private int myBase;
    private int myDelta;
    private boolean ready;
    private boolean started;
    private boolean closed;

    PredictStep(String session, boolean controlling, int answers, Consumer<ObjectNode> signal,
                BiConsumer<DatagramChannel, InetSocketAddress> onChannel, Runnable onGiveUp) {
        this.session = session;
        this.controlling = controlling;
        this.answers = answers;
        this.signal = signal;
        this.onChannel = onChannel;
        this.onGiveUp = onGiveUp;
    }

    /** Whether this device's NAT report allows prediction: sequential with a known, non-zero delta. */
    static boolean predictable(NetworkInfo.Nat nat) {
        return nat != null && "sequential".equals(nat.portPattern()) && nat.portDelta() != null && nat.portDelta() != 0;
    }

    /** Opens this side's sockets, learns P and signals it (or that this NAT cannot be predicted). */
    void start(InetSocketAddress stun, NetworkInfo.Nat nat, InetAddress publicIp) throws IOException {
        if (!predictable(nat) || publicIp == null) {
            signal.accept(LadderSide.JSON.createObjectNode().put("t", "birthday").put("seq", false));
            giveUp("this NAT's ports are not predictable");
            return;
        }
        PredictSide s = PredictSide.open(session, controlling, new int[SOCKETS]);
        synchronized (this) {
            if (closed) {
                s.close();
                return;
            }
            side = s;
            myIp = publicIp;
        }
        Optional<InetSocketAddress> now = BirthdayHardSide.currentMapping(stun, Duration.ofMillis(800));
        if (now.isEmpty()) {
            signal.accept(LadderSide.JSON.createObjectNode().put("t", "birthday").put("seq", false));
            giveUp("no STUN mapping");
            return;
        }
        signal.accept(LadderSide.JSON.createObjectNode().put("t", "birthday")
                .put("seq", Endpoints.format(new InetSocketAddress(publicIp, now.get().getPort())))
                .put("delta", nat.portDelta()));
        synchronized (this) {
            myBase = now.get().getPort();
            myDelta = nat.portDelta();
            ready = true;
            go();
        }
    }

    /** The peer's {@code seq} signal; only its brokered public IP is accepted. */
    void onSignal(JsonNode data, InetAddress brokeredPeerIp) {
        JsonNode seq = data.get("seq");
        if (seq == null || !seq.isTextual()) {
            giveUp("the peer's NAT ports are not predictable");
            return;
        }
        InetSocketAddress at = Endpoints.parse(seq.asText());
        int delta = data.path("delta").asInt(0);
        if (!at.getAddress().equals(brokeredPeerIp) || delta == 0 || Math.abs(delta) > 1024) {
            LOG.debug("{}: predict: ignoring {} (delta {}), brokered peer {}", session, at, delta, brokeredPeerIp);
            return;
        }
        synchronized (this) {
            peerIp = at.getAddress();
            peerBase = at.getPort();
            peerDelta = delta;
            go();
        }
    }

    private void go() {
        if (closed || started || !ready || peerIp == null) {
            return;
        }
        started = true;
        PredictSide s = side;
        s.start(peerIp, myIp, peerBase, peerDelta, CYCLE, ROUNDS, INTERVAL, answers,
                INTERVAL.multipliedBy(ROUNDS).plusMillis(500));
        s.pick().thenAcceptAsync(p -> {
            // on a sequential NAT socket n's mapping is P + (n + shift)·δ: the shift is what other traffic took
            String shift = p.externalPort() == 0 ? "?"
                    : String.valueOf((p.externalPort() - myBase) / myDelta - p.n());
            LOG.info("{}: birthday (two-sided prediction): {} reached our external port {} (socket {}, shift {}) after {}"
                    + " probes", session, p.peer(), p.externalPort(), p.n(), shift, s.probesSent());
            try {
                onChannel.accept(s.handOff(), p.peer());
            } catch (IOException e) {
                LOG.debug("{}: predict hand-off failed: {}", session, e.toString());
            }
        }, r -> Thread.ofVirtual().start(r)).exceptionally(e -> {
            giveUp(e.getMessage());
            return null;
        });
    }

    /** Ends the attempt; the ladder hears of it (relay now) unless the ladder closed the step itself. */
    private void giveUp(String why) {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        if (gaveUp.compareAndSet(false, true)) {
            LOG.info("{}: birthday (two-sided prediction) gave up: {}", session, why);
            close();
            onGiveUp.run();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (side != null) {
            side.close();
        }
    }
}
