package dev.peerlink.stun.server.internal;

import dev.peerlink.stun.server.StunServerConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens the server's sockets for a layout: per address, one UDP socket per IO thread (SO_REUSEPORT
 * when there are several) and one TCP listener. All-or-nothing: on failure everything opened is closed.
 */
public final class ServerSockets {
    private final List<Channel> udp = new ArrayList<>();
    private final List<Channel> tcp = new ArrayList<>();

    private ServerSockets() {}

    public static ServerSockets open(StunServerConfig config, SocketLayout layout, NettyTransport transport,
                                     MultiThreadIoEventLoopGroup group, StunEngine engine) throws IOException {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
        int threads = loops.size();
        UdpSockets matrix = new UdpSockets(layout.size(), threads);
        AtomicInteger tcpOpen = new AtomicInteger();
        boolean v6only = config.listen6().isPresent() && layout.address(0).getAddress().equals(config.listen6().get());
        ServerSockets s = new ServerSockets();
        try {
            for (int a = 0; a < layout.size(); a++) {
                InetSocketAddress address = layout.address(a);
                if (config.udp()) {
                    for (int t = 0; t < threads; t++) {
                        Bootstrap b = new Bootstrap().group(loops.get(t))
                                .handler(new UdpStunHandler(engine, matrix, a, t));
                        transport.configureUdp(b, address, threads > 1, config.maxMessageSize());
                        if (v6only) {
                            transport.v6only(b);
                        }
                        Channel ch = b.bind(address).sync().channel();
                        s.udp.add(ch);
                        matrix.set(a, t, ch);
                    }
                }
                if (config.tcp()) {
                    ServerBootstrap b = new ServerBootstrap().group(group, group)
                            .childHandler(new TcpChannelInitializer(engine, a, config.tcpIdleTimeout(),
                                    config.tcpMaxConnections(), tcpOpen));
                    transport.configureTcp(b, address);
                    if (v6only) {
                        transport.v6only(b);
                    }
                    s.tcp.add(b.bind(address).sync().channel());
                }
            }
            return s;
        } catch (Exception e) {
            s.close();
            throw e instanceof IOException io ? io : new IOException("cannot bind: " + e, e);
        } catch (Error e) {
            s.close();
            throw e;
        }
    }

    /** Opens sockets for the configuration, picking free ports where it says 0. */
    public static Opened openConfigured(StunServerConfig config, NettyTransport transport,
                                        MultiThreadIoEventLoopGroup group, ServerCounters counters) throws IOException {
        InetSocketAddress primary = config.primary();
        InetSocketAddress alternate = config.alternate().orElse(null);
        boolean picking = primary.getPort() == 0 || (alternate != null && alternate.getPort() == 0);
        IOException last = null;
        for (int attempt = 0; attempt < (picking ? 20 : 1); attempt++) {
            int[] ports = PortPicker.pick(primary.getAddress(), primary.getPort(),
                    alternate == null ? 0 : alternate.getPort(), alternate != null, config.udp());
            SocketLayout layout = SocketLayout.of(new InetSocketAddress(primary.getAddress(), ports[0]),
                    alternate == null ? null : new InetSocketAddress(alternate.getAddress(), ports[1]));
            StunEngine engine = new StunEngine(config, layout, counters);
            try {
                return new Opened(layout, open(config, layout, transport, group, engine));
            } catch (IOException e) {
                last = e; // a picked port was taken on the other IP or protocol: try new ones
            }
        }
        throw last;
    }

    /** A layout and its open sockets. */
    public record Opened(SocketLayout layout, ServerSockets sockets) {}

    public List<InetSocketAddress> udpBound() {
        return bound(udp);
    }

    public List<InetSocketAddress> tcpBound() {
        return bound(tcp);
    }

    private static List<InetSocketAddress> bound(List<Channel> channels) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel c : channels) {
            InetSocketAddress a = (InetSocketAddress) c.localAddress();
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    public void close() {
        List<Channel> all = new ArrayList<>(udp);
        all.addAll(tcp);
        for (Channel c : all) {
            c.close().awaitUninterruptibly();
        }
    }
}
