package dev.peerlink.secure.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The UDP socket under a QUIC connection: epoll with UDP GSO where the platform has it, NIO otherwise.
 *
 * <p>The ladder hands over a bound (often hole-punched) JDK {@link DatagramChannel}. Netty's epoll channel cannot
 * adopt a JDK channel, so with epoll the JDK socket is closed and an epoll socket is bound to the same local address
 * at once: the NAT's mapping belongs to that address, not to the socket, so the punched path survives. Datagrams
 * already queued on the old socket (e.g. the peer's first Initial) are read out before it closes and fed to QUIC as
 * if just received, so none is lost to the swap.
 *
 * <p>Why epoll: with GSO quiche's packets for one flush leave in one {@code sendmsg} (up to {@link #GSO_SEGMENTS}
 * segments) instead of one {@code sendto} each, and reads take up to {@link #RECV_BATCH} datagrams per
 * {@code recvmmsg}. GRO is not used: Netty's QUIC codec (4.2.18) hands a received datagram to quiche whole and does
 * not split a GRO-coalesced one into its segments.
 */
final class QuicUdp {
    /** Most segments in one GSO send (the kernel allows 64; quiche rarely has more ready per flush). */
    static final int GSO_SEGMENTS = 32;
    /** Datagrams per recvmmsg. */
    static final int RECV_BATCH = 16;
    /** Largest datagram we read whole (our peers send at most QuicConnector's payload; 2 KiB leaves slack). */
    private static final int RECV_SLOT = 2048;
    /** Asked-for socket buffers; the kernel caps them at net.core.{r,w}mem_max (see secure-transport.md). */
    static final int SOCKET_BUFFER = 8 << 20;
    /** Test hook: "nio" forces the NIO transport even where epoll is available. */
    static final String TRANSPORT_PROPERTY = "peerlink.secure.quicTransport";

    private final boolean epoll;

    QuicUdp(boolean epoll) {
        this.epoll = epoll;
    }

    static QuicUdp choose() {
        return new QuicUdp(!"nio".equals(System.getProperty(TRANSPORT_PROPERTY)) && Epoll.isAvailable());
    }

    boolean epoll() {
        return epoll;
    }

    EventLoopGroup newGroup(int threads) {
        IoHandlerFactory f = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("peerlink-quic", true), f);
    }

    /** The GSO allocator for QUIC connections on our channels, or NONE where the transport or kernel cannot segment. */
    SegmentedDatagramPacketAllocator gso() {
        return epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported()
                ? EpollQuicUtils.newSegmentedAllocator(GSO_SEGMENTS) : SegmentedDatagramPacketAllocator.NONE;
    }

    /** Takes over {@code socket} (which ends up closed or owned by the returned channel) and registers it. */
    Channel register(EventLoopGroup group, DatagramChannel socket, ChannelHandler codec) throws IOException {
        Bootstrap b = new Bootstrap().group(group).handler(codec)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER);
        try {
            if (!epoll) {
                socket.configureBlocking(false);
                return b.channelFactory(() -> new NioDatagramChannel(socket)).register().sync().channel();
            }
            InetSocketAddress local = (InetSocketAddress) socket.getLocalAddress();
            List<Queued> queued = drain(socket);
            socket.close();
            Channel ch = bindEpoll(b.option(ChannelOption.AUTO_READ, false), local); // the queued datagrams go first
            ch.eventLoop().execute(() -> {
                replay(ch, local, queued);
                ch.config().setAutoRead(true);
            });
            return ch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        } catch (RuntimeException e) {
            throw new IOException("cannot bind QUIC's UDP socket: " + e, e);
        } finally {
            if (epoll && socket.isOpen()) {
                socket.close();
            }
        }
    }

    /**
     * A new UDP socket bound to {@code local}, registered with {@code first} as its pipeline: for a path that wraps
     * QUIC's datagrams (TURN's ChannelData), where QUIC's codec joins the pipeline later, behind {@code first}.
     */
    Channel open(EventLoopGroup group, InetSocketAddress local, ChannelHandler first) throws IOException {
        Bootstrap b = new Bootstrap().group(group).handler(first)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER);
        try {
            if (epoll) {
                return bindEpoll(b, local);
            }
            io.netty.channel.ChannelFuture bound = b.channel(NioDatagramChannel.class).bind(local).await();
            if (!bound.isSuccess()) {
                throw new IOException("cannot bind a UDP socket to " + local + ": " + bound.cause(), bound.cause());
            }
            return bound.channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }

    /** An epoll UDP socket on {@code local} reading {@link #RECV_BATCH} datagrams per recvmmsg. */
    private static Channel bindEpoll(Bootstrap b, InetSocketAddress local) throws IOException, InterruptedException {
        EpollDatagramChannel ch = new EpollDatagramChannel();
        b.channelFactory(() -> ch)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, RECV_SLOT)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECV_SLOT * RECV_BATCH));
        io.netty.channel.ChannelFuture bound = b.bind(wildcardAsDualStack(local)).await();
        if (!bound.isSuccess()) {
            ch.close();
            throw new IOException("cannot bind a UDP socket to " + local + ": " + bound.cause(), bound.cause());
        }
        return ch;
    }

    /**
     * "Any" as the JDK's own wildcard (dual-stack {@code ::} unless IPv4 is preferred), which is what the ladder's
     * socket had; Netty would turn an explicit {@code 0.0.0.0} into the IPv4-only {@code ::ffff:0.0.0.0}.
     */
    private static InetSocketAddress wildcardAsDualStack(InetSocketAddress local) {
        return local.getAddress().isAnyLocalAddress() ? new InetSocketAddress(local.getPort()) : local;
    }

    private record Queued(byte[] data, InetSocketAddress sender) {}

    private static List<Queued> drain(DatagramChannel socket) throws IOException {
        List<Queued> out = new ArrayList<>();
        socket.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        SocketAddress from;
        while ((from = socket.receive(buf.clear())) != null) {
            byte[] d = new byte[buf.position()];
            buf.flip().get(d);
            out.add(new Queued(d, (InetSocketAddress) from));
        }
        return out;
    }

    private static void replay(Channel ch, InetSocketAddress local, List<Queued> queued) {
        if (queued.isEmpty()) {
            return;
        }
        for (Queued q : queued) {
            ByteBuf buf = ch.alloc().directBuffer(q.data().length).writeBytes(q.data());
            ch.pipeline().fireChannelRead(new DatagramPacket(buf, local, q.sender()));
        }
        ch.pipeline().fireChannelReadComplete();
    }
}
