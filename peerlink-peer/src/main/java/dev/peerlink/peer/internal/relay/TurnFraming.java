package dev.peerlink.peer.internal.relay;

import dev.peerlink.turn.ChannelData;
import dev.peerlink.turn.client.TurnClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The first handler of the relay path's UDP channel, in front of QUIC's codec, on the socket that holds the TURN
 * allocation: QUIC's datagrams go to the server as ChannelData (or Send indications until a channel is bound), and
 * what the server relays from a permitted peer reaches QUIC unwrapped, with no socket, thread or copy in between
 * (inbound, QUIC gets a slice of the received buffer). Everything else from the server (transaction responses, Data
 * indications) goes to the {@link TurnClient}, which sends through {@link #sendRaw} from any thread.
 *
 * <p>QUIC sees one fixed remote, {@link #quicRemote}, whatever the peer's transport address: the peer is learned
 * from the first datagram relayed from a permitted IP, and a later datagram from another port of a permitted IP
 * replaces it (NAT rebinding; QUIC validates the new path itself, as it would on a socket of its own).
 *
 * <p>Over a stream (TURN over TCP or TLS) the socket carries only QUIC's pipeline: every datagram QUIC writes goes to
 * the TURN client ({@link TurnClient#send}: ChannelData on its stream once a channel is bound), and what the client
 * reads from its stream comes back through {@link #fromIndication}, moved onto the event loop.
 *
 * <p>With UDP GSO QUIC hands over a segmented datagram (equal segments, the last may be shorter); each segment gets
 * its own ChannelData header, so the kernel still sends one {@code sendmsg} per flush.
 */
final class TurnFraming extends ChannelDuplexHandler {
    private final InetSocketAddress server;
    private final InetSocketAddress quicRemote;
    private final boolean overStream;
    private final Consumer<InetSocketAddress> onNewPeer;
    private final Runnable onCloseRequested;
    private final Set<InetAddress> permitted = ConcurrentHashMap.newKeySet();
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile ChannelHandlerContext ctx;
    private volatile TurnClient turn;
    private volatile InetSocketAddress peer;
    private volatile long lastInboundNanos = System.nanoTime();
    private volatile boolean muted;
    private volatile boolean released;

    /**
     * @param quicRemote the address QUIC talks to and hears from
     * @param overStream the TURN client talks to the server over TCP/TLS, not through this socket
     * @param onNewPeer told (on the event loop) when the peer's transport address is first learned or changes
     * @param onCloseRequested told when QUIC closes the channel while the allocation is still held: the relay path
     *     then deallocates through this channel and {@link #release}s it
     */
    TurnFraming(InetSocketAddress server, InetSocketAddress quicRemote, boolean overStream,
                Consumer<InetSocketAddress> onNewPeer, Runnable onCloseRequested) {
        this.server = server;
        this.quicRemote = quicRemote;
        this.overStream = overStream;
        this.onNewPeer = onNewPeer;
        this.onCloseRequested = onCloseRequested;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The TURN client whose allocation this socket holds; until it is set, nothing from the server is read. */
    void turn(TurnClient client) {
        this.turn = client;
    }

    /** Sends bytes to the server past QUIC (the TURN client's transactions and indications); any thread. */
    void sendRaw(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        ChannelHandlerContext c = ctx;
        if (c == null || !c.channel().isOpen()) {
            throw new IOException("relay socket closed");
        }
        c.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to), c.voidPromise());
    }

    InetSocketAddress peer() {
        return peer;
    }

    void permit(InetAddress ip) {
        permitted.add(ip);
    }

    /** Sets the peer explicitly (its IP becomes permitted here; the TURN permission is the caller's). */
    void peer(InetSocketAddress address) {
        permitted.add(address.getAddress());
        lastInboundNanos = System.nanoTime();
        peer = address;
    }

    /** Nanoseconds since the relay last delivered a datagram from the peer (or the peer was set). */
    long silentNanos() {
        return System.nanoTime() - lastInboundNanos;
    }

    RelayPath.Stats stats() {
        return new RelayPath.Stats(packetsOut.sum(), bytesOut.sum(), packetsIn.sum(), bytesIn.sum(), dropped.sum());
    }

    /** QUIC hears and says nothing more through the relay (its session ends with its idle timeout); TURN still works. */
    void mute() {
        muted = true;
    }

    boolean muted() {
        return muted;
    }

    /**
     * The relay path is done with the socket (deallocated or given up): the channel closes now if QUIC asked for it
     * or never joined; otherwise when QUIC's session closes it.
     */
    void release(boolean closeRequested) {
        released = true;
        ChannelHandlerContext c = ctx;
        if (c != null && (closeRequested || c.pipeline().get("quic") == null)) {
            c.channel().close();
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (released) {
            ctx.close(promise);
            return;
        }
        ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
        onCloseRequested.run();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        TurnClient client = turn;
        ByteBuf content = packet.content();
        try {
            if (overStream || client == null || !server.equals(packet.sender()) || !content.isReadable()) {
                dropped.increment();
            } else if ((content.getByte(content.readerIndex()) & 0xC0) == 0x40) {
                channelData(ctx, client, packet);
            } else {
                client.receive(content.nioBuffer(), packet.sender()); // a response, or a Data indication (below)
            }
        } finally {
            packet.release();
        }
    }

    private void channelData(ChannelHandlerContext ctx, TurnClient client, DatagramPacket packet) {
        ByteBuf content = packet.content();
        int at = content.readerIndex();
        int length = content.readableBytes() < ChannelData.HEADER_LENGTH ? -1 : content.getUnsignedShort(at + 2);
        InetSocketAddress from = client.peerOnChannel(content.getUnsignedShort(at)).orElse(null);
        if (from == null || length < 0 || length > content.readableBytes() - ChannelData.HEADER_LENGTH) {
            dropped.increment(); // unknown channel or malformed: dropped, as RFC 8656 §12.5 says
            return;
        }
        toQuic(ctx, from, content.retainedSlice(at + ChannelData.HEADER_LENGTH, length), packet.recipient());
    }

    /**
     * Relayed data the TURN client decoded itself: a Data indication's payload (on this event loop, from
     * {@link #channelRead}), or over a stream anything relayed (on the client's reader thread: moved to the loop).
     */
    void fromIndication(InetSocketAddress from, byte[] data) {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            return;
        }
        if (c.executor().inEventLoop()) {
            toQuic(c, from, Unpooled.wrappedBuffer(data), (InetSocketAddress) c.channel().localAddress());
        } else {
            c.executor().execute(() -> {
                toQuic(c, from, Unpooled.wrappedBuffer(data), (InetSocketAddress) c.channel().localAddress());
                c.fireChannelReadComplete(); // QUIC's codec processes and flushes what it read at read-complete
            });
        }
    }

    private void toQuic(ChannelHandlerContext ctx, InetSocketAddress from, ByteBuf data, InetSocketAddress local) {
        if (muted || !permitted.contains(from.getAddress())) {
            data.release();
            dropped.increment();
            return;
        }
        lastInboundNanos = System.nanoTime();
        if (!from.equals(peer)) {
            peer = from;
            onNewPeer.accept(from);
        }
        packetsIn.increment();
        bytesIn.add(data.readableBytes());
        ctx.fireChannelRead(new DatagramPacket(data, local, quicRemote));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.write(msg, promise);
            return;
        }
        InetSocketAddress to = peer;
        TurnClient client = turn;
        try {
            if (muted || to == null || client == null) {
                dropped.increment(); // no peer to send to yet, or the path is closing: QUIC recovers or times out
                promise.trySuccess();
                return;
            }
            Integer channel = client.channel(to).orElse(null);
            if (channel == null || overStream) { // over a stream the client frames (and pads) ChannelData itself
                sendIndications(client, to, packet, promise);
                return;
            }
            ByteBuf content = packet.content();
            int segment = packet instanceof io.netty.channel.unix.SegmentedDatagramPacket s ? s.segmentSize()
                    : content.readableBytes();
            ByteBuf framed = frame(ctx, channel, content, segment);
            Object out = segment < content.readableBytes()
                    ? new SegmentedDatagramPacket(framed, segment + ChannelData.HEADER_LENGTH, server)
                    : new DatagramPacket(framed, server);
            packetsOut.add(segments(content.readableBytes(), segment));
            bytesOut.add(content.readableBytes());
            ctx.write(out, promise);
        } finally {
            packet.release();
        }
    }

    /** One ChannelData header (no padding over UDP) per segment of {@code segment} bytes. */
    private static ByteBuf frame(ChannelHandlerContext ctx, int channel, ByteBuf content, int segment) {
        int length = content.readableBytes();
        int n = segments(length, segment);
        ByteBuf out = ctx.alloc().directBuffer(length + n * ChannelData.HEADER_LENGTH);
        for (int at = content.readerIndex(), end = at + length; at < end; at += segment) {
            int len = Math.min(segment, end - at);
            out.writeShort(channel).writeShort(len).writeBytes(content, at, len);
        }
        return out;
    }

    private static int segments(int length, int segment) {
        return segment <= 0 ? 1 : Math.max(1, (length + segment - 1) / segment);
    }

    /** Before the channel is bound (the first round trips): a Send indication per segment, through the TURN client. */
    private void sendIndications(TurnClient client, InetSocketAddress to, DatagramPacket packet, ChannelPromise promise) {
        ByteBuf content = packet.content();
        int segment = packet instanceof io.netty.channel.unix.SegmentedDatagramPacket s ? s.segmentSize()
                : content.readableBytes();
        try {
            for (int at = content.readerIndex(), end = at + content.readableBytes(); at < end; at += segment) {
                byte[] d = new byte[Math.min(segment, end - at)];
                content.getBytes(at, d);
                client.send(to, d);
                packetsOut.increment();
                bytesOut.add(d.length);
            }
        } catch (IOException | IllegalStateException e) {
            dropped.increment(); // closing, or a transient send error: QUIC recovers or times out
        }
        promise.trySuccess();
    }
}
