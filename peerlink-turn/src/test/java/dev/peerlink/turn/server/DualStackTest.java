package dev.peerlink.turn.server;

import static dev.peerlink.turn.server.TestServers.PASSWORD;
import static dev.peerlink.turn.server.TestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.XorMappedAddress;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;
import dev.peerlink.turn.attribute.AddressErrorCode;
import dev.peerlink.turn.attribute.Lifetime;
import dev.peerlink.turn.attribute.RequestedAddressFamily;
import dev.peerlink.turn.attribute.RequestedTransport;
import dev.peerlink.turn.attribute.XorPeerAddress;
import dev.peerlink.turn.attribute.XorRelayedAddress;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dual-stack relay (RFC 8656 §7.2): relayIp 127.0.0.1 beside relayIp6 ::1, and listeners on ::1 for IPv6
 * clients. Skipped when the machine has no ::1.
 */
class DualStackTest {
    private static final InetAddress V6 = TestServers.LOOPBACK6;
    private static final RequestedAddressFamily ADD_V6 = new RequestedAddressFamily(RequestedAddressFamily.IPV6, true);
    private static final RequestedAddressFamily WANT_V4 = new RequestedAddressFamily(RequestedAddressFamily.IPV4, false);
    private static final RequestedAddressFamily WANT_V6 = new RequestedAddressFamily(RequestedAddressFamily.IPV6, false);

    @BeforeAll
    static void needsIpv6Loopback() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(V6, 0))) {
            return;
        } catch (IOException e) {
            System.out.println("DualStackTest skipped: no IPv6 loopback (::1): " + e);
            Assumptions.abort("no ::1 on this machine");
        }
    }

    private static TurnServer dualServer(java.util.function.Consumer<TurnServerConfig.Builder> tweak) {
        return TestServers.start(b -> {
            b.relayIp6(V6).listen6(V6).allowPeer("::1/128");
            tweak.accept(b);
        });
    }

    private static StunMessage allocate(TurnTestClient c, RequestedAddressFamily... families) throws IOException {
        return c.authed(StunMethod.ALLOCATE, b -> {
            b.add(new RequestedTransport(RequestedTransport.UDP));
            for (RequestedAddressFamily f : families) {
                b.add(f);
            }
        });
    }

    private static List<InetSocketAddress> relayed(StunMessage r) {
        assertThat(r.messageClass()).as("%s", r).isEqualTo(StunClass.SUCCESS_RESPONSE);
        return r.attributes().stream().filter(XorRelayedAddress.class::isInstance)
                .map(a -> ((XorRelayedAddress) a).address()).toList();
    }

    private static StunMessage refresh(TurnTestClient c, long seconds, RequestedAddressFamily family) throws IOException {
        return c.authed(StunMethod.REFRESH, b -> b.add(new Lifetime(seconds)).add(family));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Data from the client reaches {@code peer} from {@code from}, and the peer's answer comes back as from the peer. */
    private static void roundTrip(TurnTestClient c, TestServers.Peer peer, InetSocketAddress from) throws IOException {
        c.send(peer.address(), bytes("to " + peer.address()));
        DatagramPacket got = peer.receive(5000);
        assertThat(got).as("datagram at %s", peer.address()).isNotNull();
        assertThat(new String(got.getData(), StandardCharsets.UTF_8)).isEqualTo("to " + peer.address());
        assertThat(got.getSocketAddress()).isEqualTo(from);
        peer.send(from, bytes("back from " + peer.address()));
        TurnTestClient.Received back = c.receiveData(5000);
        assertThat(back).isNotNull();
        assertThat(back.peer()).isEqualTo(peer.address());
        assertThat(new String(back.data(), StandardCharsets.UTF_8)).isEqualTo("back from " + peer.address());
    }

    @Test
    void oneDualAllocationRelaysToAnIpv4PeerAndAnIpv6Peer() throws IOException {
        try (TurnServer server = dualServer(b -> { });
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TestServers.Peer peer4 = new TestServers.Peer();
             TestServers.Peer peer6 = new TestServers.Peer(V6)) {
            List<InetSocketAddress> relayed = relayed(allocate(c, ADD_V6));
            assertThat(relayed).hasSize(2);
            InetSocketAddress relayed4 = relayed.get(0);
            InetSocketAddress relayed6 = relayed.get(1);
            assertThat(relayed4.getAddress()).isEqualTo(TestServers.LOOPBACK);
            assertThat(relayed6.getAddress()).isEqualTo(V6);
            assertThat(server.stats().allocationsActive()).as("one allocation, two relayed addresses").isEqualTo(1);

            assertThat(c.createPermission(peer4.address(), peer6.address()).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            roundTrip(c, peer4, relayed4);
            roundTrip(c, peer6, relayed6);

            // A channel to the IPv6 peer: ChannelData both ways through the IPv6 relayed address.
            assertThat(c.channelBind(0x4001, peer6.address()).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            c.sendChannelData(0x4001, bytes("on channel"));
            DatagramPacket got = peer6.receive(5000);
            assertThat(got).isNotNull();
            assertThat(got.getSocketAddress()).isEqualTo(relayed6);
            peer6.send(relayed6, bytes("channel back"));
            TurnTestClient.Received back = c.receiveData(5000);
            assertThat(back.channel()).isEqualTo(0x4001);
            assertThat(new String(back.data(), StandardCharsets.UTF_8)).isEqualTo("channel back");
        }
    }

    /** coturn 4.6's clients send ADDITIONAL-ADDRESS-FAMILY under its draft code 0x8032: it is honoured too. */
    @Test
    void theDraftCodeOfAdditionalAddressFamilyAllocatesBoth() throws IOException {
        StunAttribute draft = new StunAttribute() {
            @Override
            public int type() {
                return TurnAttributeType.ADDITIONAL_ADDRESS_FAMILY_DRAFT;
            }

            @Override
            public void writeValue(ByteSink out, byte[] header) {
                out.u8(RequestedAddressFamily.IPV6);
                out.fill(0, 3);
            }
        };
        try (TurnServer server = dualServer(b -> { });
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            StunMessage r = c.authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.UDP)).add(draft));
            assertThat(relayed(r)).extracting(InetSocketAddress::getAddress).containsExactly(TestServers.LOOPBACK, V6);
        }
    }

    @Test
    void anIpv6ClientIsServedOnTheIpv6Listeners() throws IOException {
        try (TurnServer server = dualServer(b -> { });
             TurnTestClient udp = TurnTestClient.udpFrom(V6, server.udpAddress6()).credentials(USER, PASSWORD);
             TurnTestClient tcp = TurnTestClient.tcp(server.tcpAddress6()).credentials(USER, PASSWORD);
             TestServers.Peer peer6 = new TestServers.Peer(V6)) {
            assertThat(server.udpAddress6().getAddress()).isEqualTo(V6);
            assertThat(server.udpAddress6().getPort()).isEqualTo(server.udpAddress().getPort());
            for (TurnTestClient c : List.of(udp, tcp)) {
                StunMessage binding = c.request(StunMethod.BINDING, b -> { });
                InetSocketAddress mapped = binding.attribute(XorMappedAddress.class).orElseThrow().address();
                assertThat(mapped.getAddress()).isInstanceOf(Inet6Address.class);
                assertThat(mapped).isEqualTo(c.localAddress());
            }
            StunMessage r = allocate(udp, WANT_V6);
            assertThat(relayed(r)).extracting(InetSocketAddress::getAddress).containsExactly(V6);
            assertThat(r.attribute(XorMappedAddress.class).orElseThrow().address()).isEqualTo(udp.localAddress());
            assertThat(udp.createPermission(peer6.address()).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            roundTrip(udp, peer6, relayed(r).getFirst());
            // Without REQUESTED-ADDRESS-FAMILY an IPv6 client still gets IPv4 (RFC 8656 §7.2).
            assertThat(relayed(allocate(tcp))).extracting(InetSocketAddress::getAddress).containsExactly(TestServers.LOOPBACK);
        }
    }

    /** 0.0.0.0 and :: on the same ports: with epoll the IPv6 listeners are IPv6-only, so both bind and each family is served. */
    @Test
    void wildcardListenersForBothFamiliesSitSideBySide() throws IOException {
        try (TurnServer server = dualServer(b -> b.listen(new InetSocketAddress("0.0.0.0", 0)).listen6(TestServers.wildcard6()))) {
            int udp = server.udpAddress().getPort();
            assertThat(server.udpAddress6().getPort()).isEqualTo(udp);
            for (InetAddress client : List.of(TestServers.LOOPBACK, V6)) {
                try (TurnTestClient c = TurnTestClient.udpFrom(client, new InetSocketAddress(client, udp));
                     TurnTestClient t = TurnTestClient.tcp(new InetSocketAddress(client, server.tcpAddress6().getPort()))) {
                    for (TurnTestClient x : List.of(c, t)) {
                        StunMessage binding = x.request(StunMethod.BINDING, b -> { });
                        assertThat(binding.attribute(XorMappedAddress.class).orElseThrow().address()).isEqualTo(x.localAddress());
                    }
                }
            }
        }
    }

    @Test
    void aPeerOfAFamilyTheAllocationLacksIsRefusedWith443() throws IOException {
        try (TurnServer server = dualServer(b -> { });
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TestServers.Peer peer4 = new TestServers.Peer();
             TestServers.Peer peer6 = new TestServers.Peer(V6)) {
            assertThat(relayed(allocate(c, WANT_V6))).hasSize(1);
            assertThat(TurnTestClient.errorCode(c.createPermission(peer4.address()))).isEqualTo(443);
            assertThat(TurnTestClient.errorCode(c.createPermission(peer6.address(), peer4.address())))
                    .as("all or nothing").isEqualTo(443);
            assertThat(TurnTestClient.errorCode(c.channelBind(0x4002, peer4.address()))).isEqualTo(443);
            assertThat(TurnTestClient.errorCode(refresh(c, 600, WANT_V4))).as("Refresh of a family it lacks").isEqualTo(443);
            assertThat(refresh(c, 600, WANT_V6).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            // Send to the IPv4 peer is dropped: no permission can exist for it.
            c.send(peer4.address(), bytes("nowhere"));
            assertThat(peer4.receive(300)).isNull();
            assertThat(server.stats().refusals(Refusal.ADDRESS_FAMILY)).isEqualTo(4);
        }
    }

    @Test
    void badFamilyCombinationsAre400() throws IOException {
        try (TurnServer server = dualServer(b -> { });
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            assertThat(TurnTestClient.errorCode(allocate(c, new RequestedAddressFamily(RequestedAddressFamily.IPV4, true))))
                    .as("ADDITIONAL-ADDRESS-FAMILY IPv4").isEqualTo(400);
            assertThat(TurnTestClient.errorCode(allocate(c, WANT_V4, ADD_V6))).as("both family attributes").isEqualTo(400);
            assertThat(server.stats().allocationsActive()).isZero();
        }
    }

    @Test
    void aOneFamilyServerAnswersADualRequestWithItsFamilyAndAddressErrorCode() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            StunMessage r = allocate(c, ADD_V6);
            assertThat(relayed(r)).extracting(InetSocketAddress::getAddress).containsExactly(TestServers.LOOPBACK);
            AddressErrorCode error = r.attribute(AddressErrorCode.class).orElseThrow();
            assertThat(error.family()).isEqualTo(RequestedAddressFamily.IPV6);
            assertThat(error.code()).isEqualTo(440);
            // §8: the client refreshes the family it got; the one that failed is a mismatch.
            assertThat(refresh(c, 600, WANT_V4).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(TurnTestClient.errorCode(refresh(c, 600, WANT_V6))).isEqualTo(443);
        }
    }

    /** RFC 6062 TCP allocations hold one family: REQUESTED-ADDRESS-FAMILY picks it, a dual request gets IPv4 and 440. */
    @Test
    void tcpAllocationsStaySingleFamily() throws IOException {
        try (TurnServer server = dualServer(b -> { });
             TurnTestClient v6 = TurnTestClient.tcp(server.tcpAddress()).credentials(USER, PASSWORD);
             TurnTestClient dual = TurnTestClient.tcp(server.tcpAddress()).credentials(USER, PASSWORD)) {
            StunMessage r = v6.authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.TCP)).add(WANT_V6));
            assertThat(relayed(r)).extracting(InetSocketAddress::getAddress).containsExactly(V6);
            StunMessage d = dual.authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.TCP)).add(ADD_V6));
            assertThat(relayed(d)).extracting(InetSocketAddress::getAddress).containsExactly(TestServers.LOOPBACK);
            assertThat(d.attribute(AddressErrorCode.class).orElseThrow().code()).isEqualTo(440);
        }
    }

    @Test
    void whenTheSecondFamilyHasNoPortTheFirstIsStillGivenWith508ForTheOther() throws IOException {
        try (TurnServer server = dualServer(b -> b.portRange(31200, 31200));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            StunMessage r = allocate(c, ADD_V6);
            assertThat(relayed(r)).extracting(InetSocketAddress::getPort).containsExactly(31200);
            AddressErrorCode error = r.attribute(AddressErrorCode.class).orElseThrow();
            assertThat(error.family()).isEqualTo(RequestedAddressFamily.IPV6);
            assertThat(error.code()).isEqualTo(508);
        }
    }

    @Test
    void quotasCountADualAllocationOnce() throws IOException {
        try (TurnServer server = dualServer(b -> b.maxAllocationsPerUser(2));
             TurnTestClient a = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient b = TurnTestClient.udpFrom(V6, server.udpAddress6()).credentials(USER, PASSWORD);
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            assertThat(relayed(allocate(a, ADD_V6))).hasSize(2);
            assertThat(relayed(allocate(b, ADD_V6))).hasSize(2);
            assertThat(server.stats().allocationsActive()).isEqualTo(2);
            assertThat(TurnTestClient.errorCode(allocate(c, ADD_V6))).isEqualTo(486);
        }
    }

    @Test
    void refreshWithZeroAndAFamilyDeletesOnlyThatRelayedAddress() throws IOException {
        try (TurnServer server = dualServer(b -> { });
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TestServers.Peer peer4 = new TestServers.Peer();
             TestServers.Peer peer6 = new TestServers.Peer(V6)) {
            List<InetSocketAddress> relayed = relayed(allocate(c, ADD_V6));
            assertThat(c.createPermission(peer4.address(), peer6.address()).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(refresh(c, 0, WANT_V4).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(server.stats().allocationsActive()).isEqualTo(1);
            assertThat(TurnTestClient.errorCode(c.createPermission(peer4.address()))).isEqualTo(443);
            roundTrip(c, peer6, relayed.get(1));
            assertThat(refresh(c, 0, WANT_V6).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(server.stats().allocationsActive()).isZero();
            assertThat(relayed.get(0).getAddress()).isInstanceOf(Inet4Address.class);
        }
    }

    /** The Java client asks for an IPv6 relayed address over IPv4 (how a v4-only device relays for a v6-only peer). */
    @Test
    void turnClientAsksForAnIpv6RelayedAddressOverIpv4() throws IOException {
        try (TurnServer server = dualServer(b -> { });
             dev.peerlink.turn.client.TurnClient client = dev.peerlink.turn.client.TurnClient
                     .builder(server.udpAddress(), dev.peerlink.turn.TurnCredentials.of(USER, PASSWORD))
                     .relayFamily(RequestedAddressFamily.IPV6).connect()) {
            InetSocketAddress relayed = client.allocate().relayedAddress();
            assertThat(relayed.getAddress()).isInstanceOf(Inet6Address.class).isEqualTo(V6);
            assertThat(server.udpAddress().getAddress()).isInstanceOf(Inet4Address.class);
        }
        try (TurnServer v4only = TestServers.start();
             dev.peerlink.turn.client.TurnClient client = dev.peerlink.turn.client.TurnClient
                     .builder(v4only.udpAddress(), dev.peerlink.turn.TurnCredentials.of(USER, PASSWORD))
                     .relayFamily(RequestedAddressFamily.IPV6).connect()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(client::allocate)
                    .isInstanceOfSatisfying(dev.peerlink.turn.client.TurnException.class,
                            e -> assertThat(e.errorCode()).as("440 Address Family not Supported").isEqualTo(440));
        }
    }
}
