package dev.peerlink.secure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuicUdpTest {

    private static DatagramChannel loopbackSocket() throws Exception {
        return DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @Test
    void epollSegmentsSendsWhereTheKernelCan() {
        assumeTrue(Epoll.isAvailable(), "no native epoll here: " + Epoll.unavailabilityCause());
        SegmentedDatagramPacketAllocator gso = new QuicUdp(true).gso();
        if (EpollDatagramChannel.isSegmentedDatagramPacketSupported()) {
            assertThat(gso).isNotSameAs(SegmentedDatagramPacketAllocator.NONE);
            assertThat(gso.maxNumSegments()).isEqualTo(QuicUdp.GSO_SEGMENTS);
        } else {
            assertThat(gso).isSameAs(SegmentedDatagramPacketAllocator.NONE);
        }
    }

    @Test
    void nioNeverSegments() {
        assertThat(new QuicUdp(false).gso()).isSameAs(SegmentedDatagramPacketAllocator.NONE);
    }

    @Test
    void epollTakesOverTheSocketsAddressAndWhatWasQueuedOnIt() throws Exception {
        assumeTrue(Epoll.isAvailable(), "no native epoll here: " + Epoll.unavailabilityCause());
        QuicUdp udp = new QuicUdp(true);
        EventLoopGroup group = udp.newGroup(1);
        try (DatagramChannel handedOver = loopbackSocket(); DatagramChannel peer = loopbackSocket()) {
            InetSocketAddress local = (InetSocketAddress) handedOver.getLocalAddress();
            peer.send(ByteBuffer.wrap("before".getBytes(StandardCharsets.UTF_8)), local);
            Recorder seen = new Recorder();
            Channel ch = udp.register(group, handedOver, seen);
            assertThat(ch).isInstanceOf(EpollDatagramChannel.class);
            assertThat(((InetSocketAddress) ch.localAddress()).getPort()).isEqualTo(local.getPort());
            assertThat(handedOver.isOpen()).isFalse();
            peer.send(ByteBuffer.wrap("after".getBytes(StandardCharsets.UTF_8)), local);
            assertThat(seen.next()).isEqualTo("before from " + peer.getLocalAddress());
            assertThat(seen.next()).isEqualTo("after from " + peer.getLocalAddress());
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void nioWrapsTheSocketItself() throws Exception {
        QuicUdp udp = new QuicUdp(false);
        EventLoopGroup group = udp.newGroup(1);
        try (DatagramChannel handedOver = loopbackSocket(); DatagramChannel peer = loopbackSocket()) {
            InetSocketAddress local = (InetSocketAddress) handedOver.getLocalAddress();
            Recorder seen = new Recorder();
            Channel ch = udp.register(group, handedOver, seen);
            assertThat(ch).isInstanceOf(NioDatagramChannel.class);
            assertThat(handedOver.isOpen()).isTrue();
            peer.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), local);
            assertThat(seen.next()).isEqualTo("hello from " + peer.getLocalAddress());
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSessionOnTheNioFallbackCarriesAStreamIntact() throws Exception {
        System.setProperty(QuicUdp.TRANSPORT_PROPERTY, "nio");
        QuicConnector connector;
        try {
            connector = new QuicConnector(1);
        } finally {
            System.clearProperty(QuicUdp.TRANSPORT_PROPERTY);
        }
        DeviceIdentity a = DeviceIdentity.generate();
        DeviceIdentity b = DeviceIdentity.generate();
        SessionConfig cfg = SessionConfig.defaults();
        try (connector; DatagramChannel cs = loopbackSocket(); DatagramChannel ss = loopbackSocket()) {
            assertThat(connector.udpTransport()).isEqualTo("nio");
            InetSocketAddress at = (InetSocketAddress) ss.getLocalAddress();
            CompletableFuture<SecureSession> server = connector.accept(ss, b, a.publicIdentity(), cfg);
            SecureSession client = connector.connect(cs, at, a, b.publicIdentity(), cfg).get(20, TimeUnit.SECONDS);
            SecureSession s = server.get(20, TimeUnit.SECONDS);
            byte[] sent = new byte[2 << 20];
            new Random(7).nextBytes(sent);
            SecureStream out = client.openStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try (var o = out.output()) {
                    o.write(sent);
                } catch (IOException e) {
                    out.reset();
                }
            });
            byte[] got = s.acceptStream().input().readAllBytes();
            writer.join();
            assertThat(got).isEqualTo(sent);
            client.close();
            s.close();
        }
    }

    /** Records "payload from sender" of each datagram. */
    private static final class Recorder extends SimpleChannelInboundHandler<DatagramPacket> {
        private final LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            got.add(new String(ByteBufUtil.getBytes(p.content()), StandardCharsets.UTF_8) + " from " + p.sender());
        }

        String next() throws InterruptedException {
            return got.poll(5, TimeUnit.SECONDS);
        }
    }
}
