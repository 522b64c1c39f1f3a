package dev.peerlink.stun.server;

import static dev.peerlink.stun.server.TestClients.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.XorMappedAddress;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One STUN server for both families: an IPv4 primary and {@code listen6} on the same port. */
class DualStackStunTest {
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();
    private static InetAddress v6;

    @BeforeAll
    static void needsIpv6Loopback() throws IOException {
        v6 = InetAddress.getByName("::1");
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(v6, 0))) {
            s.getLocalPort();
        } catch (IOException e) {
            System.out.println("DualStackStunTest skipped: no IPv6 loopback (::1): " + e);
            Assumptions.abort("no ::1");
        }
    }

    /** Specific addresses, and wildcards (0.0.0.0 beside ::, which needs IPV6_V6ONLY with epoll), on 1 and 2 threads. */
    @ParameterizedTest(name = "{0} and {1}, {2} IO threads, {3}")
    @CsvSource({"127.0.0.1, ::1, 1, AUTO", "0.0.0.0, ::, 2, AUTO", "127.0.0.1, ::1, 2, NIO"})
    void eachFamilyGetsItsOwnReflexiveAddress(String ip4, String ip6, int threads, Transport transport) throws IOException {
        try (StunServer server = StunServer.start(StunServerConfig.builder()
                .primary(new InetSocketAddress(ip4, 0)).listen6(InetAddress.getByName(ip6))
                .ioThreads(threads).transport(transport).build())) {
            int port = server.udpAddresses().getFirst().getPort();
            assertThat(server.udpAddresses6()).extracting(InetSocketAddress::getPort).containsExactly(port);
            assertThat(server.tcpAddresses6()).hasSize(1);
            for (InetAddress client : new InetAddress[] {V4, v6}) {
                try (var c = new TestClients.Udp(client)) {
                    StunMessage resp = c.exchange(StunMessage.request(StunMethod.BINDING).build(),
                            new InetSocketAddress(client, port));
                    InetSocketAddress mapped = resp.attribute(XorMappedAddress.class).orElseThrow().address();
                    assertThat(mapped).isEqualTo(c.local());
                    assertThat(mapped.getAddress()).isInstanceOf(client instanceof Inet4Address ? Inet4Address.class : Inet6Address.class);
                }
                try (var t = new TestClients.Tcp(new InetSocketAddress(client, server.tcpAddresses6().getFirst().getPort()))) {
                    t.write(encode(StunMessage.request(StunMethod.BINDING).build()));
                    assertThat(t.read().attribute(XorMappedAddress.class).orElseThrow().address())
                            .isEqualTo(t.socket.getLocalSocketAddress());
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void listen6IsIpv6BesideAnIpv4Primary() throws IOException {
        assertThatThrownBy(() -> StunServerConfig.builder().listen6(V4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StunServerConfig.builder().primary(new InetSocketAddress(v6, 0)).listen6(v6).build())
                .isInstanceOf(IllegalStateException.class);
    }
}
