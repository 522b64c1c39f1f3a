package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.SignallingCodec;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An {@code update} made while the registration is in flight (a port mapping made at start) must still reach the
 * server. A scripted server holds its {@code registered} answer until the test lets it go.
 */
class RegistrationRaceTest {
    static final SignallingCodec CODEC = SignallingCodec.standard();

    /** A signalling server that answers the registration only when {@code release} completes; records what came. */
    static final class HeldServer implements AutoCloseable {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final List<Message> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> release = new CompletableFuture<>();
        final Channel listener;

        HeldServer() throws InterruptedException {
            listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketServerProtocolHandler("/v1/signal"), new Handler());
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        }

        int port() {
            return ((InetSocketAddress) listener.localAddress()).getPort();
        }

        final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                    send(ctx, new Message.Challenge(Ed25519.b64(new byte[Ed25519.NONCE_BYTES]), System.currentTimeMillis(), "held"));
                }
                ctx.fireUserEventTriggered(evt);
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws Exception {
                Message m = CODEC.decode(frame.text());
                received.add(m);
                switch (m) {
                    case Message.Register r -> release.thenRun(() -> ctx.executor().execute(() ->
                            send(ctx, new Message.Registered(r.rid(), r.deviceId(), 30_000, List.of(), null, System.currentTimeMillis()))));
                    case Message.Update u -> send(ctx, new Message.Ok(u.rid()));
                    case Message.Ping p -> send(ctx, new Message.Pong(p.rid(), System.currentTimeMillis()));
                    default -> { }
                }
            }

            private void send(ChannelHandlerContext ctx, Message m) {
                ctx.writeAndFlush(new TextWebSocketFrame(CODEC.encode(m)));
            }
        }

        @Override
        public void close() {
            listener.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUpdateMadeWhileTheRegistrationIsInFlightReachesTheServer() throws Exception {
        try (HeldServer server = new HeldServer();
             SignallingClient c = SignallingClient.builder().server(URI.create("ws://127.0.0.1:" + server.port() + "/v1/signal"))
                     .identity(DeviceIdentity.ephemeral(DeviceId.of("nas"))).build()) {
            CompletableFuture<Message.Registered> registered = c.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.received.stream().anyMatch(m -> m instanceof Message.Register));
            // a port mapping made now, while the server has not answered the registration
            NetworkInfo mapped = NetworkInfo.EMPTY.withMappings(List.of(new NetworkInfo.PortMapping("tcp",
                    new InetSocketAddress("203.0.113.7", 7001), new InetSocketAddress("192.168.1.20", 7001), 3600, "upnp")));
            c.update(mapped).get(5, TimeUnit.SECONDS);
            server.release.complete(null);
            registered.get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.received.stream()
                    .anyMatch(m -> m instanceof Message.Update u && u.network().equals(mapped)));
        }
    }
}
