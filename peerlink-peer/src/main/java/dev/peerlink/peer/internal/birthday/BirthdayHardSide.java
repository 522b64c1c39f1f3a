package dev.peerlink.peer.internal.birthday;

import dev.peerlink.peer.internal.PunchPacket;
import dev.peerlink.peer.internal.StunBinding;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The symmetric ("hard") side of birthday punching (seed 003): opens N sockets on random local ports and sends one
 * {@code OPEN} from each to the easy side's public endpoint, so its NAT holds N mappings towards that endpoint (the
 * easy side's NAT drops them). A {@code PROBE} from the easy side's IP that reaches one of them is answered
 * {@code answers} times with a {@code RESPONSE} naming this side's public IP and the port the probe reached; that
 * socket then stops being read (the next packets — QUIC — wait in the kernel buffer) and every other socket closes.
 * With no hit within {@code lifetime} every socket closes and {@link #hit()} fails.
 */
public final class BirthdayHardSide implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BirthdayHardSide.class);

    /** The socket a probe reached, the easy side's address it came from, and the external port it was sent to. */
    public record Hit(DatagramChannel channel, InetSocketAddress easy, int externalPort) {}

    private final BirthdayParams params;
    private final byte[] tag;
    private final InetSocketAddress easy;
    private final InetAddress publicIp;
    private final SocketSet set;
    private final List<DatagramChannel> sockets;
    private final CompletableFuture<Hit> hit = new CompletableFuture<>();
    private final ByteBuffer buf = ByteBuffer.allocate(2048);

    private BirthdayHardSide(BirthdayParams params, byte[] tag, InetSocketAddress easy, InetAddress publicIp,
                             SocketSet set) {
        this.params = params;
        this.tag = tag;
        this.easy = easy;
        this.publicIp = publicIp;
        this.set = set;
        this.sockets = set.sockets();
    }

    /**
     * Opens the N sockets (not yet sending).
     *
     * @param easy the easy side's public endpoint, as brokered through the server — the only destination
     * @param publicIp this side's public IP (told to the easy side in the RESPONSE)
     */
    public static BirthdayHardSide open(BirthdayParams params, String session, InetSocketAddress easy,
                                        InetAddress publicIp) throws IOException {
        return new BirthdayHardSide(params, PunchPacket.tagOf(session), easy, publicIp,
                SocketSet.open(new int[params.sockets()]));
    }

    /**
     * Port prediction: one fresh socket's public mapping as {@code stun} sees it. On a sequential NAT the N mappings
     * opened right after take the next ports ({@link #predictedPorts}).
     */
    public static Optional<InetSocketAddress> currentMapping(InetSocketAddress stun, Duration timeout) throws IOException {
        try (DatagramChannel ch = DatagramChannel.open(); Selector sel = Selector.open()) {
            ch.bind(new InetSocketAddress(0));
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            return StunBinding.mapped(ch, sel, stun, timeout);
        }
    }

    /** {@code base + delta·i} for i = 1..count, inside the range (a sequential NAT's next allocations after base). */
    public static List<Integer> predictedPorts(int base, int delta, int count, BirthdayParams params) {
        List<Integer> out = new ArrayList<>();
        if (delta == 0) {
            return out;
        }
        for (int i = 1; i <= count; i++) {
            long p = base + (long) delta * i;
            if (p < params.lowPort() || p > params.highPort()) {
                break;
            }
            out.add((int) p);
        }
        return out;
    }

    /** Sends the OPENs (all at once: N ≤ 1024 datagrams of 42 bytes to one address) and reads until a hit or {@code lifetime}. */
    public void start(Duration lifetime) {
        byte[] open = BirthdayPacket.open(tag);
        for (DatagramChannel ch : sockets) {
            try {
                ch.send(ByteBuffer.wrap(open), easy);
            } catch (IOException e) {
                LOG.trace("OPEN from {} failed: {}", ch, e.toString());
            }
        }
        long deadline = System.nanoTime() + lifetime.toNanos();
        set.startLoop(() -> run(deadline), "peerlink-birthday-hard");
    }

    public CompletableFuture<Hit> hit() {
        return hit;
    }

    /** Sockets this side still holds open (the winner counts until handed off). */
    public int openSockets() {
        return set.openSockets();
    }

    private void run(long deadline) {
        try {
            while (!set.closed() && !hit.isDone()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    hit.completeExceptionally(new IOException("no probe reached any of " + sockets.size() + " sockets"));
                    break;
                }
                set.selectAndDrain(Math.min(left, 200), hit::isDone, this::drain);
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            if (!set.closed()) {
                hit.completeExceptionally(e);
            }
        }
        set.afterLoop(hit, this::close);
    }

    private void drain(DatagramChannel ch) throws IOException {
        while (!hit.isDone()) {
            buf.clear();
            SocketAddress from = ch.receive(buf);
            if (from == null) {
                return;
            }
            buf.flip();
            InetSocketAddress src = (InetSocketAddress) from;
            if (!src.getAddress().equals(easy.getAddress())
                    || !BirthdayPacket.looksLikeBirthday(buf.array(), buf.limit())) {
                continue; // only the brokered peer's probes count
            }
            BirthdayPacket p;
            try {
                p = BirthdayPacket.decode(buf.array(), buf.limit());
            } catch (BirthdayPacket.BirthdayPacketException e) {
                LOG.debug("dropped birthday packet from {}: {}", src, e.getMessage());
                continue;
            }
            if (p.kind() != BirthdayPacket.Kind.PROBE || !p.hasTag(tag)) {
                continue;
            }
            byte[] resp = BirthdayPacket.response(tag, publicIp, p.port());
            for (int i = 0; i < params.answers(); i++) {
                try {
                    ch.send(ByteBuffer.wrap(resp), src);
                } catch (IOException e) {
                    LOG.debug("RESPONSE to {} failed: {}", src, e.toString());
                }
            }
            set.win(ch);
            LOG.debug("probe from {} reached external port {} (local {})", src, p.port(), ch.socket().getLocalPort());
            hit.complete(new Hit(ch, src, p.port()));
            return;
        }
    }

    /** After {@link #hit()} completed: the winning socket, no longer read here, for QUIC to own. */
    public DatagramChannel handOff() throws IOException {
        return set.handOff(hit.isDone() && !hit.isCompletedExceptionally());
    }

    @Override
    public void close() {
        set.close();
        hit.completeExceptionally(new IOException("birthday step closed"));
    }
}
