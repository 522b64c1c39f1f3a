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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ladder's birthday step for one run, on either device, whichever initiated (seed 003). Coordinated by two
 * {@code {"t":"birthday"}} ladder signals through the server:
 *
 * <ol>
 *   <li>easy → hard {@code {"t":"birthday","addr":"198.51.100.7:40211"}}: the easy side opened a fresh socket and
 *       learnt its public mapping from the server's STUN;</li>
 *   <li>hard → easy {@code {"t":"birthday","ip":"203.0.113.104","ports":[40001,...]}}: the hard side opened its N
 *       sockets and sent from each to that address; {@code ports} are predicted ports (sequential NAT), maybe none.
 *       The easy side now probes — only the IP of the brokered offer.</li>
 * </ol>
 *
 * The hard side accepts {@code addr} only at the brokered peer's public IP. The first hit hands one socket on each
 * side to {@code onChannel} (the ladder then runs QUIC: the initiator is the client); everything else closes. A run
 * that ends first closes both sides ({@link #close()}).
 */
public final class BirthdayStep implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BirthdayStep.class);
    /** Predicted ports told to the easy side at most (one signal stays small). */
    static final int MAX_PREDICTED = 64;

    private final String session;
    private final boolean hard;
    private final boolean controlling;
    private final BirthdayParams params;
    private final Consumer<ObjectNode> signal;
    private final BiConsumer<DatagramChannel, InetSocketAddress> onChannel;
    private final PredictStep predict;
    private volatile BirthdayEasySide easy;
    private volatile BirthdayHardSide hardSide;
    private volatile boolean closed;

    /**
     * @param hard whether this device is the symmetric side
     * @param controlling whether this device is the ladder initiator (the QUIC client)
     */
    public BirthdayStep(String session, boolean hard, boolean controlling, BirthdayParams params, Consumer<ObjectNode> signal,
                 BiConsumer<DatagramChannel, InetSocketAddress> onChannel) {
        this.session = session;
        this.hard = hard;
        this.controlling = controlling;
        this.params = params;
        this.signal = signal;
        this.onChannel = onChannel;
        this.predict = null;
    }

    private BirthdayStep(String session, boolean controlling, BirthdayParams params, Consumer<ObjectNode> signal,
                         BiConsumer<DatagramChannel, InetSocketAddress> onChannel, Runnable onGiveUp) {
        this.session = session;
        this.hard = true;
        this.controlling = controlling;
        this.params = params;
        this.signal = signal;
        this.onChannel = onChannel;
        this.predict = new PredictStep(session, controlling, params.answers(), signal, onChannel, onGiveUp);
    }

    /**
     * Both devices symmetric: two-sided port prediction ({@link PredictStep}) instead of the one-sided birthday.
     *
     * @param onGiveUp runs once when the attempt cannot or did not succeed (not when the ladder closes the step)
     */
    public static BirthdayStep twoSided(String session, boolean controlling, BirthdayParams params,
                                        Consumer<ObjectNode> signal,
                                        BiConsumer<DatagramChannel, InetSocketAddress> onChannel, Runnable onGiveUp) {
        return new BirthdayStep(session, controlling, params, signal, onChannel, onGiveUp);
    }

    /** Whether this device can take part in two-sided prediction (its NAT reports sequential ports). */
    public static boolean predictable(NetworkInfo.Nat nat) {
        return PredictStep.predictable(nat);
    }

    public boolean hard() {
        return hard;
    }

    /** {@link #start(InetSocketAddress, NetworkInfo.Nat, InetAddress)} of a one-sided step. */
    public void start(InetSocketAddress stun) throws IOException {
        start(stun, null, null);
    }

    /**
     * The easy side's opening move: fresh socket, STUN mapping, first signal. The hard side waits for it. Two-sided:
     * both sides open their sockets and signal their current port ({@code nat}, {@code myIp}: this device's report).
     */
    public void start(InetSocketAddress stun, NetworkInfo.Nat nat, InetAddress myIp) throws IOException {
        if (predict != null) {
            predict.start(stun, nat, myIp);
            return;
        }
        if (hard) {
            return;
        }
        BirthdayEasySide e = BirthdayEasySide.open(session);
        easy = e;
        if (closed) {
            e.close();
            return;
        }
        Optional<InetSocketAddress> mapped = e.stunMapped(stun, Duration.ofMillis(1200));
        if (mapped.isEmpty()) {
            LOG.debug("{}: birthday: no STUN mapping for the easy socket", session);
            e.close();
            return;
        }
        signal.accept(LadderSide.JSON.createObjectNode().put("t", "birthday").put("addr", Endpoints.format(mapped.get())));
    }

    /**
     * A {@code birthday} signal from the other device.
     *
     * @param peerIp the brokered peer's public IP (from its offer): the only address this step ever sends to
     * @param myIp this device's public IP (told in the RESPONSE)
     * @param nat this device's NAT report (port prediction), may be null
     * @param stun the server's STUN address (port prediction)
     */
    public void onSignal(JsonNode data, InetAddress peerIp, InetAddress myIp, NetworkInfo.Nat nat, InetSocketAddress stun) {
        try {
            if (predict != null) {
                if (data.has("seq")) {
                    predict.onSignal(data, peerIp);
                }
                return;
            }
            if (hard && data.hasNonNull("addr")) {
                InetSocketAddress addr = Endpoints.parse(data.get("addr").asText());
                if (!addr.getAddress().equals(peerIp)) {
                    LOG.debug("{}: birthday: {} is not the brokered peer's IP {}", session, addr, peerIp);
                    return;
                }
                openHard(addr, myIp, nat, stun);
            } else if (!hard && data.hasNonNull("ip")) {
                InetAddress ip = Endpoints.parse(data.get("ip").asText() + ":1").getAddress();
                if (!ip.equals(peerIp)) {
                    LOG.debug("{}: birthday: {} is not the brokered peer's IP {}", session, ip, peerIp);
                    return;
                }
                List<Integer> predicted = new ArrayList<>();
                for (JsonNode p : data.path("ports")) {
                    if (predicted.size() < MAX_PREDICTED && p.canConvertToInt() && p.asInt() > 0 && p.asInt() < 65536) {
                        predicted.add(p.asInt());
                    }
                }
                probe(ip, predicted);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: birthday step failed: {}", session, e.toString());
        }
    }

    private synchronized void openHard(InetSocketAddress easyAddr, InetAddress myIp, NetworkInfo.Nat nat,
                                       InetSocketAddress stun) throws IOException {
        if (closed || hardSide != null) {
            return;
        }
        List<Integer> predicted = List.of();
        if (PredictStep.predictable(nat) && stun != null) {
            Optional<InetSocketAddress> now = BirthdayHardSide.currentMapping(stun, Duration.ofMillis(800));
            if (now.isPresent()) {
                predicted = BirthdayHardSide.predictedPorts(now.get().getPort(), nat.portDelta(),
                        Math.min(params.sockets() + 16, MAX_PREDICTED), params);
            }
        }
        BirthdayHardSide h = BirthdayHardSide.open(params, session, easyAddr, myIp);
        hardSide = h;
        h.start(params.maxDuration().plusSeconds(3));
        ObjectNode o = LadderSide.JSON.createObjectNode().put("t", "birthday").put("ip", myIp.getHostAddress());
        predicted.forEach(p -> o.withArray("ports").add(p));
        signal.accept(o);
        LOG.debug("{}: birthday: {} sockets towards {}, predicted {}", session, params.sockets(), easyAddr, predicted);
        List<Integer> told = predicted;
        h.hit().thenAcceptAsync(hit -> {
            LOG.info("{}: birthday: a probe from {} reached external port {}{}", session, hit.easy(), hit.externalPort(),
                    told.contains(hit.externalPort()) ? " (predicted)" : "");
            try {
                onChannel.accept(h.handOff(), hit.easy());
            } catch (IOException e) {
                LOG.debug("{}: birthday hand-off failed: {}", session, e.toString());
            }
        }, r -> Thread.ofVirtual().start(r)).exceptionally(e -> {
            LOG.debug("{}: birthday (hard side) ended: {}", session, e.toString());
            return null;
        });
    }

    private synchronized void probe(InetAddress hardIp, List<Integer> predicted) {
        BirthdayEasySide e = easy;
        if (closed || e == null || !e.isOpen()) {
            return;
        }
        // The hard side is the QUIC client when it initiated: its Initial may overtake a lost RESPONSE.
        e.startProbing(hardIp, predicted, params, new SecureRandom(), !controlling);
        e.contact().thenAcceptAsync(c -> {
            LOG.info("{}: birthday: {} answered after {} probes", session, c.hard(), e.probesSent());
            try {
                onChannel.accept(e.handOff(), c.hard());
            } catch (IOException x) {
                LOG.debug("{}: birthday hand-off failed: {}", session, x.toString());
            }
        }, r -> Thread.ofVirtual().start(r)).exceptionally(x -> {
            LOG.info("{}: birthday: no answer after {} probes ({})", session, e.probesSent(), x.getMessage());
            return null;
        });
    }

    /** Releases every socket not handed to QUIC. */
    @Override
    public synchronized void close() {
        closed = true;
        if (predict != null) {
            predict.close();
        }
        if (easy != null) {
            easy.close();
        }
        if (hardSide != null) {
            hardSide.close();
        }
    }
}
