package dev.peerlink.turn.server;

import static dev.peerlink.turn.server.TestServers.PASSWORD;
import static dev.peerlink.turn.server.TestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.stun.StunClass;
import dev.peerlink.turn.server.TestServers.Peer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Data through the relay, over UDP, TCP and TLS to the server: permissions, Send/Data indications, channels. */
class RelayTest {

    static TurnTestClient client(TurnServer server, String transport) throws IOException {
        TurnTestClient c = switch (transport) {
            case "tcp" -> TurnTestClient.tcp(server.tcpAddress());
            case "tls" -> TurnTestClient.tls(server.tlsAddress());
            default -> TurnTestClient.udp(server.udpAddress());
        };
        return c.credentials(USER, PASSWORD);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp", "tls"})
    void sendAndDataIndicationsNeedAPermission(String transport) throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = client(server, transport);
             Peer peer = new Peer()) {
            InetSocketAddress relayed = c.allocate();

            c.send(peer.address(), bytes("before permission"));
            peer.send(relayed, bytes("unsolicited"));
            assertThat(peer.receive(300)).as("no permission: Send dropped").isNull();
            assertThat(c.receiveData(300)).as("no permission: peer datagram dropped").isNull();
            assertThat(server.stats().droppedNoPermission()).isEqualTo(2);

            assertThat(c.createPermission(peer.address()).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(server.stats().permissionsActive()).isEqualTo(1);
            c.send(peer.address(), bytes("hello peer"));
            DatagramPacket got = peer.receive(2000);
            assertThat(got).isNotNull();
            assertThat(new String(got.getData(), StandardCharsets.UTF_8)).isEqualTo("hello peer");
            assertThat(got.getSocketAddress()).as("from the relayed address").isEqualTo(relayed);

            peer.send(relayed, bytes("hello client"));
            TurnTestClient.Received r = c.receiveData(2000);
            assertThat(r).isNotNull();
            assertThat(r.channel()).isEqualTo(-1);
            assertThat(r.peer()).isEqualTo(peer.address());
            assertThat(new String(r.data(), StandardCharsets.UTF_8)).isEqualTo("hello client");

            TurnServerStats s = server.stats();
            assertThat(s.packetsToPeers()).isEqualTo(1);
            assertThat(s.bytesToPeers()).isEqualTo(10);
            assertThat(s.packetsToClients()).isEqualTo(1);
            assertThat(s.bytesToClients()).isEqualTo(12);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp", "tls"})
    void channelDataBothWays(String transport) throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = client(server, transport);
             Peer peer = new Peer()) {
            InetSocketAddress relayed = c.allocate();
            assertThat(c.channelBind(0x4001, peer.address()).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(server.stats().channelsActive()).isEqualTo(1);
            // Odd lengths exercise the TCP padding both ways.
            for (String text : new String[] {"a", "bc", "def", "ghij", "klmno"}) {
                c.sendChannelData(0x4001, bytes(text));
                DatagramPacket got = peer.receive(2000);
                assertThat(got).isNotNull();
                assertThat(new String(got.getData(), StandardCharsets.UTF_8)).isEqualTo(text);
                peer.send(relayed, bytes(text.toUpperCase()));
                TurnTestClient.Received r = c.receiveData(2000);
                assertThat(r).isNotNull();
                assertThat(r.channel()).as("bound peer arrives as ChannelData").isEqualTo(0x4001);
                assertThat(new String(r.data(), StandardCharsets.UTF_8)).isEqualTo(text.toUpperCase());
            }
            c.sendChannelData(0x4002, bytes("unbound channel"));
            assertThat(peer.receive(300)).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp", "tls"})
    void largeDatagramsRelayIntact(String transport) throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = client(server, transport);
             Peer peer = new Peer()) {
            InetSocketAddress relayed = c.allocate();
            c.channelBind(0x4abc, peer.address());
            byte[] big = new byte[60_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            c.sendChannelData(0x4abc, big);
            assertThat(peer.receive(2000).getData()).isEqualTo(big);
            peer.send(relayed, big);
            assertThat(c.receiveData(2000).data()).isEqualTo(big);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp", "tls"})
    void channelBindRules(String transport) throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = client(server, transport);
             Peer p1 = new Peer();
             Peer p2 = new Peer()) {
            c.allocate();
            assertThat(c.channelBind(0x4000, p1.address()).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(c.channelBind(0x4000, p1.address()).messageClass()).as("refresh").isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(TurnTestClient.errorCode(c.channelBind(0x4000, p2.address()))).as("channel taken").isEqualTo(400);
            assertThat(TurnTestClient.errorCode(c.channelBind(0x4001, p1.address()))).as("peer taken").isEqualTo(400);
            assertThat(TurnTestClient.errorCode(c.channelBind(0x3FFF, p2.address()))).as("below range").isEqualTo(400);
            assertThat(TurnTestClient.errorCode(c.channelBind(0x8000, p2.address()))).as("above range").isEqualTo(400);
            assertThat(c.channelBind(0x4FFF, p2.address()).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(TurnTestClient.errorCode(c.createPermission())).as("no XOR-PEER-ADDRESS").isEqualTo(400);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp", "tls"})
    void expiredPermissionStopsTheData(String transport) throws IOException {
        try (TurnServer server = TestServers.start(b -> b.permissionLifetime(Duration.ofMillis(500)));
             TurnTestClient c = client(server, transport);
             Peer peer = new Peer()) {
            InetSocketAddress relayed = c.allocate();
            c.createPermission(peer.address());
            peer.send(relayed, bytes("within"));
            assertThat(c.receiveData(2000)).isNotNull();
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().permissionsActive() == 0);
            peer.send(relayed, bytes("after expiry"));
            c.send(peer.address(), bytes("after expiry"));
            assertThat(c.receiveData(300)).isNull();
            assertThat(peer.receive(300)).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp", "tls"})
    void expiredChannelFallsBackToDataIndicationsAndStaysReserved(String transport) throws IOException {
        try (TurnServer server = TestServers.start(b -> b.channelLifetime(Duration.ofMillis(400)).permissionLifetime(Duration.ofSeconds(30)));
             TurnTestClient c = client(server, transport);
             Peer p1 = new Peer();
             Peer p2 = new Peer()) {
            InetSocketAddress relayed = c.allocate();
            c.channelBind(0x4000, p1.address());
            await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
            p1.send(relayed, bytes("late"));
            TurnTestClient.Received r = c.receiveData(2000);
            assertThat(r.channel()).as("channel expired, permission still valid").isEqualTo(-1);
            c.sendChannelData(0x4000, bytes("on expired channel"));
            assertThat(p1.receive(300)).isNull();
            assertThat(TurnTestClient.errorCode(c.channelBind(0x4000, p2.address()))).as("reserved after expiry").isEqualTo(400);
            assertThat(c.channelBind(0x4000, p1.address()).messageClass()).as("same pair may rebind").isEqualTo(StunClass.SUCCESS_RESPONSE);
        }
    }

    @org.junit.jupiter.api.Test
    void strictChannelRangeRefusesRfc5766Channels() throws IOException {
        try (TurnServer lenient = TestServers.start();
             TurnServer strict = TestServers.start(b -> b.strictChannelRange(true));
             TurnTestClient l = client(lenient, "udp");
             TurnTestClient s = client(strict, "udp");
             Peer peer = new Peer()) {
            l.allocate();
            s.allocate();
            assertThat(l.channelBind(0x7FFF, peer.address()).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(TurnTestClient.errorCode(s.channelBind(0x5000, peer.address()))).isEqualTo(400);
            assertThat(s.channelBind(0x4FFF, peer.address()).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "tls"})
    void closingTheConnectionDeletesTheAllocation(String transport) throws IOException {
        try (TurnServer server = TestServers.start()) {
            InetSocketAddress relayed;
            try (TurnTestClient c = client(server, transport)) {
                relayed = c.allocate();
                assertThat(server.stats().allocationsActive()).isEqualTo(1);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().allocationsActive() == 0);
            await().atMost(Duration.ofSeconds(5)).until(() -> AllocationTest.canBind(relayed));
        }
    }

    @org.junit.jupiter.api.Test
    void twoClientsTalkThroughTheirRelays() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient a = client(server, "udp");
             TurnTestClient b = client(server, "tcp")) {
            InetSocketAddress ra = a.allocate();
            InetSocketAddress rb = b.allocate();
            a.channelBind(0x4000, rb);
            b.createPermission(ra);
            a.sendChannelData(0x4000, bytes("a to b"));
            TurnTestClient.Received got = b.receiveData(2000);
            assertThat(got.peer()).isEqualTo(ra);
            assertThat(new String(got.data(), StandardCharsets.UTF_8)).isEqualTo("a to b");
            b.send(ra, bytes("b to a"));
            TurnTestClient.Received back = a.receiveData(2000);
            assertThat(back.channel()).isEqualTo(0x4000);
            assertThat(new String(back.data(), StandardCharsets.UTF_8)).isEqualTo("b to a");
        }
    }
}
