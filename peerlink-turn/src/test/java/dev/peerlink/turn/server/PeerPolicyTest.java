package dev.peerlink.turn.server;

import static dev.peerlink.turn.server.TestServers.PASSWORD;
import static dev.peerlink.turn.server.TestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.stun.StunClass;
import dev.peerlink.turn.server.TestServers.Peer;
import dev.peerlink.turn.server.internal.PeerPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Peers the relay refuses by default (403), one test per range, and how allowPeer opens them. */
class PeerPolicyTest {

    /** One address inside each refused range, through a live server: CreatePermission and ChannelBind both 403. */
    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({
            "127.0.0.1, loopback",
            "127.255.255.254, loopback top",
            "10.1.2.3, RFC 1918 10/8",
            "172.16.0.1, RFC 1918 172.16/12",
            "172.31.255.255, RFC 1918 172.16/12 top",
            "192.168.1.1, RFC 1918 192.168/16",
            "100.64.0.1, CGNAT 100.64/10",
            "100.127.255.254, CGNAT 100.64/10 top",
            "169.254.1.1, link-local",
            "224.0.0.1, multicast",
            "239.255.255.250, multicast SSDP",
            "255.255.255.255, broadcast",
            "240.0.0.1, reserved 240/4",
            "0.0.0.0, unspecified",
            "0.1.2.3, this network 0/8",
            "192.0.0.8, IETF protocol assignments",
            "198.18.0.1, benchmarking",
            "::1, IPv6 loopback",
            "::, IPv6 unspecified",
            "fe80::1, IPv6 link-local",
            "fd00::1, IPv6 unique local",
            "fc00::1, IPv6 unique local fc",
            "ff02::1, IPv6 multicast",
            "::ffff:10.0.0.1, IPv4-mapped private",
            "64:ff9b::a00:1, NAT64 of 10.0.0.1",
    })
    void refusedByDefault(String ip, String range) throws IOException {
        try (TurnServer server = TestServers.start(b -> b.allowedPeersCleared());
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            c.allocate();
            InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName(ip), 5000);
            int expected = peer.getAddress().getAddress().length == 16 ? 443 : 403; // IPv6 peer on an IPv4 relay: family first
            assertThat(TurnTestClient.errorCode(c.createPermission(peer))).as(range).isEqualTo(expected);
            assertThat(TurnTestClient.errorCode(c.channelBind(0x4000, peer))).as(range).isEqualTo(expected);
            assertThat(server.stats().permissionsActive()).isZero();
        }
        // IPv6 ranges are checked by the policy itself too (the relay above is IPv4, so 443 hides the 403).
        assertThat(defaultPolicy().permits(new InetSocketAddress(InetAddress.getByName(ip), 5000))).as(range).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "203.0.113.7", "2001:4860:4860::8888", "172.32.0.1", "100.128.0.1", "11.0.0.1"})
    void publicAddressesArePermitted(String ip) throws IOException {
        assertThat(defaultPolicy().permits(new InetSocketAddress(InetAddress.getByName(ip), 5000))).isTrue();
    }

    @Test
    void serverOwnAddressIsRefusedAndItsListenersAlways() throws IOException {
        InetAddress own = InetAddress.getByName("203.0.113.10");
        InetSocketAddress listener = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 3478);
        PeerPolicy p = new PeerPolicy(List.of("127.0.0.0/8"), List.of(), List.of(own), Set.of(listener));
        assertThat(p.permits(new InetSocketAddress(own, 4000))).isFalse();
        assertThat(p.permits(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4000))).as("allowed range").isTrue();
        assertThat(p.permits(listener)).as("relay to its own listener").isFalse();
    }

    @Test
    void listenerOfTheRunningServerIsRefusedEvenWithLoopbackAllowed() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            c.allocate();
            assertThat(TurnTestClient.errorCode(c.createPermission(server.udpAddress()))).isEqualTo(403);
            assertThat(server.stats().refusals(Refusal.FORBIDDEN_PEER)).isEqualTo(1);
        }
    }

    @Test
    void allowPeerOpensARangeAndDenyPeerClosesOne() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.allowedPeersCleared().allowPeer("127.0.0.1/32").denyPeer("8.8.8.0/24"));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             Peer peer = new Peer()) {
            c.allocate();
            assertThat(c.createPermission(peer.address()).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(TurnTestClient.errorCode(c.createPermission(new InetSocketAddress("127.0.0.2", 5000)))).isEqualTo(403);
            assertThat(TurnTestClient.errorCode(c.createPermission(new InetSocketAddress("8.8.8.8", 53)))).isEqualTo(403);
            // All or nothing: one refused peer in the request installs none.
            assertThat(TurnTestClient.errorCode(c.createPermission(new InetSocketAddress("1.1.1.1", 53),
                    new InetSocketAddress("10.0.0.1", 53)))).isEqualTo(403);
            assertThat(server.stats().permissionsActive()).isEqualTo(1);
        }
    }

    @Test
    void sendIndicationToRefusedPeerNeverLeaves() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.allowedPeersCleared());
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             Peer peer = new Peer()) {
            c.allocate();
            c.send(peer.address(), new byte[] {1, 2, 3});
            assertThat(peer.receive(300)).isNull();
            assertThat(server.stats().packetsToPeers()).isZero();
        }
    }

    private static PeerPolicy defaultPolicy() {
        return new PeerPolicy(List.of(), List.of(), List.of(), Set.of());
    }
}
