package dev.peerlink.stun.server.internal;

import dev.peerlink.stun.server.Transport;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.spi.SelectorProvider;

/** Epoll or NIO: the event loops, channel classes and socket options of one Netty transport. */
public final class NettyTransport {
    /** Datagrams read per recvmmsg call: enough to amortise the syscall, small enough to stay in cache. */
    static final int RECV_BATCH = 32;
    private static final int SOCKET_BUFFER = 4 << 20;

    private final boolean epoll;

    private NettyTransport(boolean epoll) {
        this.epoll = epoll;
    }

    public static NettyTransport choose(Transport wanted) {
        return switch (wanted) {
            case NIO -> new NettyTransport(false);
            case AUTO -> new NettyTransport(Epoll.isAvailable());
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("epoll transport unavailable", Epoll.unavailabilityCause());
                }
                yield new NettyTransport(true);
            }
        };
    }

    public String name() {
        return epoll ? "epoll" : "nio";
    }

    public MultiThreadIoEventLoopGroup newGroup(int threads) {
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("stun-io", true), factory);
    }

    /**
     * UDP options. With epoll a receive buffer of RECV_BATCH datagram slots plus
     * MAX_DATAGRAM_PAYLOAD_SIZE makes Netty read with recvmmsg; SO_REUSEPORT lets each IO thread own
     * a socket on the same address so the kernel spreads sources across threads. The pooled
     * allocator, because Netty's default (adaptive) one does not pool a batch-sized receive buffer
     * and would allocate and zero a fresh one per read. IPv4 addresses get IPv4 sockets: a dual-stack
     * socket pays for the IPv6 send path on every datagram.
     */
    public void configureUdp(Bootstrap b, InetSocketAddress address, boolean reusePort, int maxDatagram) {
        SocketProtocolFamily family = family(address);
        b.option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER).option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        if (epoll) {
            b.channelFactory(() -> new EpollDatagramChannel(family))
                    .option(EpollChannelOption.SO_REUSEPORT, reusePort)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, maxDatagram)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(maxDatagram * RECV_BATCH).maxMessagesPerRead(RECV_BATCH * 4));
        } else {
            b.channelFactory(() -> new NioDatagramChannel(family))
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(maxDatagram).maxMessagesPerRead(RECV_BATCH * 4));
            if (reusePort) {
                b.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
            }
        }
    }

    public void configureTcp(ServerBootstrap b, InetSocketAddress address) {
        SocketProtocolFamily family = family(address);
        if (epoll) {
            b.channelFactory(() -> new EpollServerSocketChannel(family));
        } else {
            b.channelFactory(() -> new NioServerSocketChannel(SelectorProvider.provider(), family));
        }
        b.option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true);
    }

    /** IPV6_V6ONLY on an IPv6 socket (epoll only; NIO keeps the kernel default), so {@code ::} can sit beside 0.0.0.0. */
    public <B extends AbstractBootstrap<B, ?>> B v6only(B b) {
        if (epoll) {
            b.option(new IntegerUnixChannelOption("IPV6_V6ONLY", 41, 26), 1); // IPPROTO_IPV6, IPV6_V6ONLY
        }
        return b;
    }

    private static SocketProtocolFamily family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }
}
