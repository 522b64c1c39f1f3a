package dev.peerlink.peer.internal.birthday;

import dev.peerlink.peer.internal.PunchPacket;
import dev.peerlink.peer.internal.ReadLoops;
import dev.peerlink.peer.internal.StunBinding;
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
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cone / no-NAT ("easy") side of birthday punching (seed 003): one fresh UDP socket, its public mapping learnt
 * from the server's STUN, from which it sends {@code PROBE}s to the hard side's public IP — predicted ports first,
 * then random ports of the range — at a capped rate and within a total budget ({@link ProbeSchedule}). It only ever
 * probes the one IP the server brokered. The first valid {@code RESPONSE} from that IP (or, when the hard side is the
 * QUIC client and the RESPONSE was lost, the first other non-STUN packet from it) is the contact: probing stops, the
 * socket stops being read and is handed to QUIC. With the budget spent and no answer within a second, the socket
 * closes and {@link #contact()} fails with {@link BudgetExhaustedException}.
 */
public final class BirthdayEasySide implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BirthdayEasySide.class);
    private static final long LATE_ANSWER_NANOS = 1_000_000_000L;

    /** The hard side's address the RESPONSE came from, and what it said: its public IP and the port reached. */
    public record Contact(InetSocketAddress hard, InetAddress publicIp, int port) {}

    /** Every probe of the budget was sent and none was answered. */
    public static final class BudgetExhaustedException extends IOException {
        public BudgetExhaustedException(String message) {
            super(message);
        }
    }

    static final int RECEIVE_BUFFER = 2 << 20;

    private final DatagramChannel channel;
    private final Selector selector;
    private final byte[] tag;
    private final CompletableFuture<Contact> contact = new CompletableFuture<>();
    private final ByteBuffer buf = ByteBuffer.allocate(2048);
    private volatile ProbeSchedule schedule;
    private volatile boolean closed;
    private volatile boolean handedOff;
    private volatile Thread loop;

    private BirthdayEasySide(DatagramChannel channel, Selector selector, byte[] tag) {
        this.channel = channel;
        this.selector = selector;
        this.tag = tag;
    }

    public static BirthdayEasySide open(String session) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        BirthdaySockets.opened();
        try {
            ch.bind(new InetSocketAddress(0));
            // Room for the hard side's N OPENs (up to 1024) where they are not dropped by a NAT (LAN, loopback): with
            // the default 208 KiB, 256 of them filled the buffer before probing began, and the one RESPONSE that
            // mattered was dropped (BirthdayStepTest failed 1 run in 5). The kernel caps this at net.core.rmem_max.
            ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
            ch.configureBlocking(false);
            Selector sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            return new BirthdayEasySide(ch, sel, PunchPacket.tagOf(session));
        } catch (IOException | RuntimeException e) {
            ch.close();
            BirthdaySockets.released();
            throw e;
        }
    }

    public int localPort() {
        return channel.socket().getLocalPort();
    }

    /** This socket's public mapping as {@code stun} sees it; call before {@link #startProbing}. */
    public Optional<InetSocketAddress> stunMapped(InetSocketAddress stun, Duration timeout) throws IOException {
        return StunBinding.mapped(channel, selector, stun, timeout);
    }

    /**
     * Starts probing {@code hardIp}.
     *
     * @param predicted ports to probe first (port prediction), may be empty
     * @param quicIsContact whether a non-birthday, non-STUN packet from {@code hardIp} counts as contact (the hard
     *     side is the QUIC client, so its Initial may overtake a lost RESPONSE; that packet is lost and QUIC resends)
     */
    public void startProbing(InetAddress hardIp, List<Integer> predicted, BirthdayParams params, Random random,
                             boolean quicIsContact) {
        ProbeSchedule s = new ProbeSchedule(params, predicted, random, System.nanoTime());
        schedule = s;
        Thread t = new Thread(() -> run(hardIp, s, quicIsContact), "peerlink-birthday-easy");
        t.setDaemon(true);
        loop = t;
        t.start();
    }

    public CompletableFuture<Contact> contact() {
        return contact;
    }

    /** Probes sent so far. */
    public int probesSent() {
        ProbeSchedule s = schedule;
        return s == null ? 0 : s.sent();
    }

    public boolean isOpen() {
        return channel.isOpen() && !handedOff;
    }

    private void run(InetAddress hardIp, ProbeSchedule s, boolean quicIsContact) {
        long giveUpAt = Long.MAX_VALUE;
        try {
            // what queued up before probing (the hard side's OPENs) goes first, so answers find room
            SocketAddress queued;
            while (!contact.isDone() && (queued = receive()) != null) {
                handle((InetSocketAddress) queued, hardIp, quicIsContact);
            }
            while (!closed && !contact.isDone()) {
                long now = System.nanoTime();
                while (!s.exhausted() && now >= s.dueNanos()) {
                    int port = s.nextPort();
                    try {
                        channel.send(ByteBuffer.wrap(BirthdayPacket.probe(tag, port)), new InetSocketAddress(hardIp, port));
                    } catch (IOException e) {
                        LOG.trace("probe to {}:{} failed: {}", hardIp, port, e.toString());
                    }
                }
                if (s.exhausted() && giveUpAt == Long.MAX_VALUE) {
                    giveUpAt = now + LATE_ANSWER_NANOS;
                }
                if (now >= giveUpAt) {
                    contact.completeExceptionally(new BudgetExhaustedException("no answer to " + s.sent() + " probes of "
                            + hardIp));
                    break;
                }
                long wakeAt = s.exhausted() ? giveUpAt : s.dueNanos();
                long waitMs = Math.max(1, (wakeAt - now) / 1_000_000);
                selector.select(Math.min(waitMs, 100));
                selector.selectedKeys().clear();
                SocketAddress from;
                while (!contact.isDone() && (from = receive()) != null) {
                    handle((InetSocketAddress) from, hardIp, quicIsContact);
                }
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            if (!closed) {
                contact.completeExceptionally(e);
            }
        }
        if (contact.isCompletedExceptionally()) {
            close();
        }
    }

    private void handle(InetSocketAddress from, InetAddress hardIp, boolean quicIsContact) {
        if (!from.getAddress().equals(hardIp)) {
            return;
        }
        byte[] data = buf.array();
        int len = buf.limit();
        if (!BirthdayPacket.looksLikeBirthday(data, len)) {
            if (quicIsContact && !StunDecoder.looksLikeStun(data, 0, len) && !PunchPacket.looksLikeCheck(data, len)) {
                contact.complete(new Contact(from, hardIp, from.getPort()));
            }
            return;
        }
        try {
            BirthdayPacket p = BirthdayPacket.decode(data, len);
            if (p.kind() == BirthdayPacket.Kind.RESPONSE && p.hasTag(tag)) {
                if (!p.ip().equals(hardIp)) {
                    LOG.debug("RESPONSE from {} names {}, not the brokered {}", from, p.ip(), hardIp);
                }
                contact.complete(new Contact(from, p.ip(), p.port()));
            }
        } catch (BirthdayPacket.BirthdayPacketException e) {
            LOG.debug("dropped birthday packet from {}: {}", from, e.getMessage());
        }
    }

    private SocketAddress receive() throws IOException {
        buf.clear();
        SocketAddress from = channel.receive(buf);
        buf.flip();
        return from;
    }

    /** After {@link #contact()} completed: the socket, no longer read here, for QUIC to own. */
    public synchronized DatagramChannel handOff() throws IOException {
        ReadLoops.awaitStopped(loop);
        if (!contact.isDone() || contact.isCompletedExceptionally() || closed) {
            throw new IOException("no contact to hand off");
        }
        handedOff = true;
        selector.close();
        BirthdaySockets.released();
        return channel;
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
        if (!handedOff) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
            BirthdaySockets.released();
        }
        contact.completeExceptionally(new IOException("birthday step closed"));
    }
}
