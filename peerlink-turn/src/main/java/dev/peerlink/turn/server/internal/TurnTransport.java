package dev.peerlink.turn.server.internal;

import dev.peerlink.stun.server.Transport;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import jdk.net.ExtendedSocketOptions;

/**
 * Epoll or NIO for the TURN server: event loops, channel classes, socket options. Mirrors the STUN
 * server's NettyTransport (not shared: that one is internal to peerlink-stun and still moving).
 */
public final class TurnTransport {
    /** Largest UDP payload; a relay must carry whatever a peer sends. */
    static final int MAX_DATAGRAM = 65_535;
    private static final int LISTENER_BUFFER = 4 << 20;
    /**
     * A cap, not an allocation: the kernel charges only queued datagrams. 1 MiB absorbs a burst of
     * several hundred full-size datagrams while the event loop is busy (256 KiB dropped ~10% of a
     * 300-datagram relay-to-relay burst on the test bed); the kernel clamps it to net.core.rmem_max.
     */
    private static final int RELAY_BUFFER = 1 << 20;
    /**
     * Datagrams per read. With epoll the receive buffer holds this many MAX_DATAGRAM slots and Netty
     * reads them with one recvmmsg; nothing is truncated, since every slot fits the largest datagram.
     * The buffer (1 MiB) comes from the pooled allocator and is not zeroed; the data path copies what
     * it relays, so a read buffer is back in the pool as soon as its batch is handled.
     */
    static final int RECV_BATCH = 16;

    private final boolean epoll;

    private TurnTransport(boolean epoll) {
        this.epoll = epoll;
    }

    public static TurnTransport choose(Transport wanted) {
        return switch (wanted) {
            case NIO -> new TurnTransport(false);
            case AUTO -> new TurnTransport(Epoll.isAvailable());
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("epoll transport unavailable", Epoll.unavailabilityCause());
                }
                yield new TurnTransport(true);
            }
        };
    }

    public String name() {
        return epoll ? "epoll" : "nio";
    }

    /** SO_REUSEPORT (one listener socket per IO thread) needs epoll. */
    public boolean reusePort() {
        return epoll;
    }

    public MultiThreadIoEventLoopGroup newGroup(int threads) {
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("turn-io", true), factory);
    }

    /** The client-facing UDP listener; with epoll, several share the port so the kernel spreads clients over threads. */
    public Bootstrap udpListener(EventLoopGroup group, TurnEngine engine, boolean reusePort, InetSocketAddress address) {
        return udpListener(group, new UdpListenerHandler(engine), reusePort, address);
    }

    /** A client-facing UDP listener with {@code handler} (the DTLS one: one handler per socket, not sharable). */
    public Bootstrap udpListener(EventLoopGroup group, io.netty.channel.ChannelHandler handler, boolean reusePort,
                                 InetSocketAddress address) {
        Bootstrap b = udp(new Bootstrap().group(group).handler(handler), address, LISTENER_BUFFER, 64);
        if (epoll) {
            b.option(EpollChannelOption.SO_REUSEPORT, reusePort);
        }
        return v6only(b, address);
    }

    /**
     * An IPv6 listener takes IPv6 only (IPV6_V6ONLY), so [::] can sit beside 0.0.0.0 on the same port and a v4
     * client is never seen as a v4-mapped v6 one. Only with epoll: NIO has no such option (the kernel default holds).
     */
    public <B extends AbstractBootstrap<B, ?>> B v6only(B b, InetSocketAddress address) {
        if (epoll && address.getAddress() instanceof Inet6Address) {
            b.option(new IntegerUnixChannelOption("IPV6_V6ONLY", IPPROTO_IPV6, IPV6_V6ONLY), 1);
        }
        return b;
    }

    /**
     * Makes a relayed socket send every datagram with DF set and never fragment (DONT-FRAGMENT,
     * RFC 8656 §7.2): with epoll IP_MTU_DISCOVER / IPV6_MTU_DISCOVER = IP_PMTUDISC_DO through
     * setsockopt (Netty has no named option for it), with NIO the JDK's IP_DONTFRAGMENT, which is the
     * same setsockopt on Linux. False when the platform refuses.
     */
    boolean setDontFragment(Channel relay) {
        try {
            if (epoll) {
                boolean v4 = ((InetSocketAddress) relay.localAddress()).getAddress() instanceof Inet4Address;
                IntegerUnixChannelOption option = v4
                        ? new IntegerUnixChannelOption("IP_MTU_DISCOVER", IPPROTO_IP, IP_MTU_DISCOVER)
                        : new IntegerUnixChannelOption("IPV6_MTU_DISCOVER", IPPROTO_IPV6, IPV6_MTU_DISCOVER);
                return relay.config().setOption(option, PMTUDISC_DO);
            }
            return relay.config().setOption(NioChannelOption.of(ExtendedSocketOptions.IP_DONTFRAGMENT), true);
        } catch (RuntimeException e) { // ChannelException from setsockopt, UnsupportedOperationException
            return false;
        }
    }

    // <linux/in.h>, <linux/in6.h>
    private static final int IPPROTO_IP = 0;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IP_MTU_DISCOVER = 10;
    private static final int IPV6_MTU_DISCOVER = 23;
    private static final int IPV6_V6ONLY = 26;
    private static final int PMTUDISC_DO = 2;

    /** A relayed socket: no SO_REUSEADDR/PORT, so a port in use elsewhere fails to bind and we try another. */
    Bootstrap relay(InetAddress relayIp) {
        return udp(new Bootstrap(), new InetSocketAddress(relayIp, 0), RELAY_BUFFER, 32);
    }

    /**
     * UDP options shared by listeners and relayed sockets. An IPv4 address gets an IPv4 socket (a
     * dual-stack one pays for the IPv6 path on every datagram); pooled buffers, because Netty's default
     * adaptive allocator does not pool a buffer this large and would allocate and zero one per read;
     * with epoll, recvmmsg of RECV_BATCH datagrams per call.
     */
    private Bootstrap udp(Bootstrap b, InetSocketAddress address, int socketBuffer, int maxReads) {
        SocketProtocolFamily family = address.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        b.option(ChannelOption.SO_RCVBUF, socketBuffer)
                .option(ChannelOption.SO_SNDBUF, socketBuffer)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        if (epoll) {
            b.channelFactory(() -> new EpollDatagramChannel(family))
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(MAX_DATAGRAM * RECV_BATCH).maxMessagesPerRead(maxReads));
        } else {
            b.channelFactory(() -> new NioDatagramChannel(family))
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM).maxMessagesPerRead(maxReads));
        }
        return b;
    }

    /**
     * An RFC 6062 relayed TCP listener on one allocation's event loop; accepted peer connections stay on
     * that loop and do not read until bound to a client data connection. SO_REUSEPORT lets outgoing
     * connections to peers share the relayed port (the RFC wants them from the relayed address).
     */
    ServerBootstrap tcpRelayListener(EventLoop loop) {
        ServerBootstrap b = new ServerBootstrap()
                .group(loop, loop)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true);
        return epoll ? b.option(EpollChannelOption.SO_REUSEPORT, true) : b.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
    }

    /** An outgoing RFC 6062 peer connection from the relayed port (see {@link #tcpRelayListener}). */
    Bootstrap tcpRelayConnector(EventLoop loop, int connectTimeoutMillis) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
        // Netty's epoll socket config has no SO_REUSEPORT (only server sockets do): set it raw (SOL_SOCKET 1, SO_REUSEPORT 15).
        return epoll ? b.option(new IntegerUnixChannelOption("SO_REUSEPORT", 1, 15), 1)
                : b.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
    }

    /** A client-facing TCP/TLS listener for {@code address}: a socket of its family (IPv6 ones IPv6-only, see {@link #v6only}). */
    public ServerBootstrap tcpListener(EventLoopGroup group, TcpInitializer init, InetSocketAddress address) {
        SocketProtocolFamily family = address.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .childHandler(init)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true);
        b.channelFactory(epoll ? () -> new EpollServerSocketChannel(family)
                : () -> new NioServerSocketChannel(java.nio.channels.spi.SelectorProvider.provider(), family));
        return v6only(b, address);
    }
}
