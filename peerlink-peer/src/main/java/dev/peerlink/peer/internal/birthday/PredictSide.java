package dev.peerlink.peer.internal.birthday;

import dev.peerlink.peer.internal.PunchPacket;
import dev.peerlink.peer.internal.ReadLoops;
import dev.peerlink.stun.StunDecoder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
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

    /** The chosen socket, the peer's address on it, and which of this side's external ports the peer's probe hit. */
    public record Pick(DatagramChannel channel, InetSocketAddress peer, int externalPort) {}

    private final byte[] tag;
    private final boolean controlling;
    private final Selector selector;
    private final List<DatagramChannel> sockets;
    private final CompletableFuture<Pick> pick = new CompletableFuture<>();
    private final ByteBuffer buf = ByteBuffer.allocate(2048);
    private volatile boolean closed;
    private volatile boolean handedOff;
    private volatile Thread loop;
    private volatile DatagramChannel winner;
    private volatile int sent;

    private PredictSide(byte[] tag, boolean controlling, Selector selector, List<DatagramChannel> sockets) {
        this.tag = tag;
        this.controlling = controlling;
        this.selector = selector;
        this.sockets = sockets;
    }

    /**
     * Opens the K sockets (not yet sending): open them before the STUN binding that tells P, so that binding them
     * takes no mapping in between.
     *
     * @param localPorts local port per socket (0: any) — tests stand in for a sequential NAT with consecutive ports
     */
    public static PredictSide open(String session, boolean controlling, int[] localPorts) throws IOException {
        Selector sel = Selector.open();
        List<DatagramChannel> socks = new ArrayList<>(localPorts.length);
        try {
            for (int port : localPorts) {
                DatagramChannel ch = DatagramChannel.open();
                BirthdaySockets.opened();
                socks.add(ch);
                ch.bind(new InetSocketAddress(port));
                ch.configureBlocking(false);
                ch.register(sel, SelectionKey.OP_READ);
            }
        } catch (IOException | RuntimeException e) {
            socks.forEach(BirthdaySockets::close);
            sel.close();
            throw e;
        }
        return new PredictSide(PunchPacket.tagOf(session), controlling, sel, socks);
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
        List<InetSocketAddress> targets = new ArrayList<>();
        for (int n = 1; n <= sockets.size(); n++) {
            int p = target(peerBase, peerDelta, n, controlling, cycle);
            targets.add(p < 0 ? null : new InetSocketAddress(peerIp, p));
        }
        Thread t = new Thread(() -> run(peerIp, myIp, targets, rounds, interval.toNanos(), answers,
                System.nanoTime() + lifetime.toNanos()), "peerlink-predict");
        t.setDaemon(true);
        loop = t;
        t.start();
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
        return (int) sockets.stream().filter(DatagramChannel::isOpen).count() - (handedOff ? 1 : 0);
    }

    private void run(InetAddress peerIp, InetAddress myIp, List<InetSocketAddress> targets, int rounds,
                     long intervalNanos, int answers, long deadline) {
        try {
            long nextRound = System.nanoTime();
            int round = 0;
            while (!closed && !pick.isDone()) {
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
                selector.select(Math.max(1, Math.min(100, (wakeAt - now) / 1_000_000)));
                for (SelectionKey k : selector.selectedKeys()) {
                    if (!pick.isDone()) {
                        drain((DatagramChannel) k.channel(), peerIp, myIp, answers);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            if (!closed) {
                pick.completeExceptionally(e);
            }
        }
        if (!pick.isDone() || pick.isCompletedExceptionally()) {
            close();
        } else {
            for (DatagramChannel ch : sockets) {
                if (ch != winner) {
                    BirthdaySockets.close(ch);
                }
            }
        }
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
                    choose(ch, src, ch.socket().getLocalPort());
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
        winner = ch;
        pick.complete(new Pick(ch, peer, externalPort));
    }

    /** After {@link #pick()} completed: the chosen socket, no longer read here, for QUIC to own. */
    public synchronized DatagramChannel handOff() throws IOException {
        ReadLoops.awaitStopped(loop);
        if (!pick.isDone() || pick.isCompletedExceptionally() || closed || winner == null) {
            throw new IOException("no pair to hand off");
        }
        handedOff = true;
        selector.close(); // deregisters the winner
        winner.configureBlocking(false);
        BirthdaySockets.released();
        return winner;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        for (DatagramChannel ch : sockets) {
            if (!(handedOff && ch == winner)) {
                BirthdaySockets.close(ch);
            }
        }
        pick.completeExceptionally(new IOException("predict step closed"));
    }
}
