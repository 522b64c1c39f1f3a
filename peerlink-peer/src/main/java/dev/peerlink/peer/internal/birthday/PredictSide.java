package dev.peerlink.peer.internal.birthday;

import dev.peerlink.peer.internal.PunchPacket;
import dev.peerlink.stun.StunDecoder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of two-sided port prediction (both NATs symmetric and sequential): K sockets, opened before this side
 * learnt its NAT's current port P, each sending {@code PROBE}s to one predicted port of the peer. On a sequential NAT
 * this side's n-th new mapping (n = 1..K) takes P + (n + s)·δ, where s counts the mappings other traffic of this host
 * took between the STUN binding and the first send. The initiator's socket n aims at the peer's index n; the other
 * side's socket n aims at the initiator's index n + (n mod C): the initiator's socket m and the other's socket n then
 * meet when m = n + s_other and n mod C = s_initiator + s_other, so any total shift below C still leaves K/C pairs.
 *
 * <p>Every socket resends its probe each {@code interval} for {@code rounds} (the first ones cross before the other
 * NAT's mapping exists and are dropped). The initiator (QUIC client) decides: the first probe from the peer's IP that
 * reaches one of its sockets is answered {@code answers} times with a {@code RESPONSE} and that socket is the path.
 * The other side answers a probe once with its own probe (faster than its next round) and takes the socket a
 * {@code RESPONSE} — or, if every RESPONSE was lost, the initiator's first QUIC packet — reaches. The chosen socket then
 * stops being read (QUIC's packets wait in the kernel buffer) and every other socket closes.
 */
public final class PredictSide implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictSide.class);

    /**
     * The chosen socket and its number n (1-based, the order of the first sends), the peer's address on it, and which
     * of this side's external ports the peer's probe hit (0 when the initiator's QUIC packet decided).
     */
    public record Pick(DatagramChannel channel, int n, InetSocketAddress peer, int externalPort) {}

    private final byte[] tag;
    private final boolean controlling;
    private final SocketSet set;
    private final List<DatagramChannel> sockets;
    private final CompletableFuture<Pick> pick = new CompletableFuture<>();
    private final ByteBuffer buf = ByteBuffer.allocate(2048);
    private volatile int sent;

    private PredictSide(byte[] tag, boolean controlling, SocketSet set) {
        this.tag = tag;
        this.controlling = controlling;
        this.set = set;
        this.sockets = set.sockets();
    }

    /**
     * Opens the K sockets (not yet sending; binding takes no NAT mapping, only the first send does).
     *
     * @param localPorts local port per socket (0: any) — tests stand in for a sequential NAT with consecutive ports
     */
    public static PredictSide open(String session, boolean controlling, int[] localPorts) throws IOException {
        return new PredictSide(PunchPacket.tagOf(session), controlling, SocketSet.open(localPorts));
    }

    /**
     * The peer port socket n (1-based) aims at: index n of the peer's sequence for the initiator, n + (n mod C) for
     * the other side (see the class comment). Ports outside 1..65535 give -1.
     */
    public static int target(int peerBase, int peerDelta, int n, boolean controlling, int cycle) {
        long index = controlling ? n : n + n % cycle;
        long p = peerBase + index * peerDelta;
        return p < 1 || p > 65535 ? -1 : (int) p;
    }

    /**
     * Starts sending to {@code peerIp} — the brokered peer's public IP, the only destination — and reading.
     *
     * @param peerBase the peer's current external port P (its STUN binding), {@code peerDelta} its NAT's step
     */
    public void start(InetAddress peerIp, InetAddress myIp, int peerBase, int peerDelta, int cycle, int rounds,
                      Duration interval, int answers, Duration lifetime) {
        List<Integer> ports = new ArrayList<>();
        for (int n = 1; n <= sockets.size(); n++) {
            ports.add(target(peerBase, peerDelta, n, controlling, cycle));
        }
        start(peerIp, myIp, ports, rounds, interval, answers, lifetime);
    }

    /**
     * Starts sending from socket i to {@code peerIp}:{@code targetPorts[i]} (-1: that socket stays silent) — the
     * general form, also used to measure two-sided birthday punching on random symmetric NATs (bench).
     */
    public void start(InetAddress peerIp, InetAddress myIp, List<Integer> targetPorts, int rounds, Duration interval,
                      int answers, Duration lifetime) {
        List<InetSocketAddress> targets = new ArrayList<>();
        for (int i = 0; i < sockets.size(); i++) {
            int p = i < targetPorts.size() ? targetPorts.get(i) : -1;
            targets.add(p < 1 || p > 65535 ? null : new InetSocketAddress(peerIp, p));
        }
        long deadline = System.nanoTime() + lifetime.toNanos();
        set.startLoop(() -> run(peerIp, myIp, targets, rounds, interval.toNanos(), answers, deadline), "peerlink-predict");
    }

    public CompletableFuture<Pick> pick() {
        return pick;
    }

    /** Probes sent so far (all rounds, all sockets, answers to probes included). */
    public int probesSent() {
        return sent;
    }

    /** Sockets this side still holds open (the winner counts until handed off). */
    public int openSockets() {
        return set.openSockets();
    }

    private void run(InetAddress peerIp, InetAddress myIp, List<InetSocketAddress> targets, int rounds,
                     long intervalNanos, int answers, long deadline) {
        try {
            long nextRound = System.nanoTime();
            int round = 0;
            while (!set.closed() && !pick.isDone()) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    pick.completeExceptionally(new IOException("no probe of " + peerIp + " met ours after " + round
                            + " rounds"));
                    break;
                }
                if (round < rounds && now >= nextRound) {
                    // in socket order, so that the NAT hands out its ports in the predicted order (first round)
                    for (int i = 0; i < sockets.size() && !pick.isDone(); i++) {
                        InetSocketAddress to = targets.get(i);
                        if (to != null) {
                            send(sockets.get(i), BirthdayPacket.probe(tag, to.getPort()), to);
                        }
                    }
                    round++;
                    nextRound = now + intervalNanos;
                }
                long wakeAt = round < rounds ? Math.min(nextRound, deadline) : deadline;
                set.selectAndDrain(Math.max(1, Math.min(100, (wakeAt - now) / 1_000_000)), pick::isDone,
                        ch -> drain(ch, peerIp, myIp, answers));
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            if (!set.closed()) {
                pick.completeExceptionally(e);
            }
        }
        set.afterLoop(pick, this::close);
    }

    private void send(DatagramChannel ch, byte[] packet, InetSocketAddress to) {
        try {
            ch.send(ByteBuffer.wrap(packet), to);
            sent++;
        } catch (IOException e) {
            LOG.trace("predict probe to {} failed: {}", to, e.toString());
        }
    }

    private void drain(DatagramChannel ch, InetAddress peerIp, InetAddress myIp, int answers) throws IOException {
        while (!pick.isDone()) {
            buf.clear();
            SocketAddress from = ch.receive(buf);
            if (from == null) {
                return;
            }
            buf.flip();
            InetSocketAddress src = (InetSocketAddress) from;
            if (!src.getAddress().equals(peerIp)) {
                continue; // only the brokered peer counts
            }
            byte[] data = buf.array();
            int len = buf.limit();
            if (!BirthdayPacket.looksLikeBirthday(data, len)) {
                // the initiator's QUIC Initial overtook every lost RESPONSE: this socket is the path (QUIC resends)
                if (!controlling && !StunDecoder.looksLikeStun(data, 0, len) && !PunchPacket.looksLikeCheck(data, len)) {
                    choose(ch, src, 0);
                }
                continue;
            }
            BirthdayPacket p;
            try {
                p = BirthdayPacket.decode(data, len);
            } catch (BirthdayPacket.BirthdayPacketException e) {
                LOG.debug("dropped predict packet from {}: {}", src, e.getMessage());
                continue;
            }
            if (!p.hasTag(tag)) {
                continue;
            }
            if (controlling && p.kind() == BirthdayPacket.Kind.PROBE) {
                byte[] resp = BirthdayPacket.response(tag, myIp, p.port());
                for (int i = 0; i < answers; i++) {
                    send(ch, resp, src);
                }
                choose(ch, src, p.port());
            } else if (!controlling && p.kind() == BirthdayPacket.Kind.PROBE) {
                send(ch, BirthdayPacket.probe(tag, src.getPort()), src); // the pair works: answer before the next round
            } else if (!controlling && p.kind() == BirthdayPacket.Kind.RESPONSE) {
                choose(ch, src, p.port());
            }
        }
    }

    private void choose(DatagramChannel ch, InetSocketAddress peer, int externalPort) {
        set.win(ch);
        pick.complete(new Pick(ch, sockets.indexOf(ch) + 1, peer, externalPort));
    }

    /** After {@link #pick()} completed: the chosen socket, no longer read here, for QUIC to own. */
    public DatagramChannel handOff() throws IOException {
        return set.handOff(pick.isDone() && !pick.isCompletedExceptionally());
    }

    @Override
    public void close() {
        set.close();
        pick.completeExceptionally(new IOException("predict step closed"));
    }
}
