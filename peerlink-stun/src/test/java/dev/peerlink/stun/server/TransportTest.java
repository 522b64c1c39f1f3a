package dev.peerlink.stun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.ChangeRequest;
import dev.peerlink.stun.attribute.XorMappedAddress;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class TransportTest {
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private static StunServerConfig.Builder config(Transport t, int threads) throws IOException {
        return StunServerConfig.builder().primary(new InetSocketAddress(LO, 0))
                .alternate(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))
                .transport(t).ioThreads(threads);
    }

    private static void assertAnswersUdpAndTcp(StunServer server) throws IOException {
        try (var c = new TestClients.Udp(LO)) {
            StunMessage resp = c.exchange(StunMessage.request(StunMethod.BINDING).build(), server.udpAddresses().get(0));
            assertThat(resp.attribute(XorMappedAddress.class)).map(XorMappedAddress::address).contains(c.local());
            c.send(TestClients.encode(StunMessage.request(StunMethod.BINDING).add(new ChangeRequest(true, true)).build()),
                    server.udpAddresses().get(0));
            assertThat(c.receive().from()).isEqualTo(server.udpAddresses().get(3));
        }
        try (var t = new TestClients.Tcp(server.tcpAddresses().get(0))) {
            t.write(TestClients.encode(StunMessage.request(StunMethod.BINDING).build()));
            assertThat(t.read().attribute(XorMappedAddress.class)).isPresent();
        }
    }

    @Test
    void nioCanBeForced() throws IOException {
        try (StunServer server = StunServer.start(config(Transport.NIO, 2).build())) {
            assertThat(server.transportName()).isEqualTo("nio");
            assertAnswersUdpAndTcp(server);
        }
    }

    @Test
    void epollIsUsedWhenAvailable() throws IOException {
        if (!Epoll.isAvailable()) {
            System.out.println("SKIP epollIsUsedWhenAvailable: " + Epoll.unavailabilityCause());
        }
        Assumptions.assumeTrue(Epoll.isAvailable(), "native epoll unavailable");
        try (StunServer server = StunServer.start(config(Transport.AUTO, 1).build())) {
            assertThat(server.transportName()).isEqualTo("epoll");
            assertAnswersUdpAndTcp(server);
        }
    }

    @Test
    void epollOnLinuxX8664() {
        // The build pins a native epoll jar for linux-x86_64; make sure it actually loads there.
        Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64"), "not linux-x86_64");
        assertThat(Epoll.isAvailable()).as("native epoll: %s", Epoll.unavailabilityCause()).isTrue();
        // A native library from another Netty release can load yet lack methods the classes need;
        // Errors is where that showed (4.2.18 native with 4.2.20 classes), and every IO error path uses it.
        assertThat(io.netty.channel.unix.Errors.ERRNO_EAGAIN_NEGATIVE).isNegative();
    }

    @Test
    void explicitEpollFailsCleanlyWhenUnavailable() throws IOException {
        if (Epoll.isAvailable()) {
            try (StunServer server = StunServer.start(config(Transport.EPOLL, 1).build())) {
                assertThat(server.transportName()).isEqualTo("epoll");
            }
        } else {
            assertThatThrownBy(() -> StunServer.start(config(Transport.EPOLL, 1).build()))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void severalIoThreadsShareEachAddressWithReusePort() throws IOException {
        Assumptions.assumeTrue(Epoll.isAvailable(), "native epoll unavailable");
        try (StunServer server = StunServer.start(config(Transport.EPOLL, 3).build())) {
            assertThat(server.udpAddresses()).hasSize(4);
            // Many client ports hash to different sockets; every one is answered, including
            // CHANGE-REQUESTs that leave from another address's socket on the same thread.
            List<TestClients.Udp> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 16; i++) {
                    clients.add(new TestClients.Udp(LO));
                }
                for (var c : clients) {
                    c.send(TestClients.encode(StunMessage.request(StunMethod.BINDING).add(new ChangeRequest(false, true)).build()),
                            server.udpAddresses().get(0));
                }
                for (var c : clients) {
                    assertThat(c.receive().from()).isEqualTo(server.udpAddresses().get(1));
                }
            } finally {
                clients.forEach(TestClients.Udp::close);
            }
        }
    }

    @Test
    void portInUseFailsWithIOException() throws IOException {
        try (StunServer first = StunServer.start(StunServerConfig.builder().primary(new InetSocketAddress(LO, 0))
                .ioThreads(1).build())) {
            // Same port, no SO_REUSEPORT on either (one IO thread): the bind must fail, nothing left open.
            var taken = first.udpAddresses().get(0);
            assertThatThrownBy(() -> StunServer.start(StunServerConfig.builder().primary(taken).ioThreads(1).build()))
                    .isInstanceOf(IOException.class);
        }
    }
}
