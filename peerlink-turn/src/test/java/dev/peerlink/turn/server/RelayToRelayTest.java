package dev.peerlink.turn.server;

import static dev.peerlink.turn.server.TestServers.PASSWORD;
import static dev.peerlink.turn.server.TestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.stun.StunClass;
import dev.peerlink.turn.server.TestServers.Peer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two allocations on one server talk to each other (two devices that both reach the relay only over TCP/TLS), while
 * the server's own address stays closed to everything else: the relay IP here is loopback, refused by default.
 */
class RelayToRelayTest {

    @Test
    void anAllocationReachesAnotherAllocationsRelayedAddressByChannel() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.allowedPeersCleared());
             TurnTestClient a = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient b = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            InetSocketAddress relayedA = a.allocate();
            InetSocketAddress relayedB = b.allocate();
            assertThat(a.channelBind(0x4000, relayedB).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(b.channelBind(0x4001, relayedA).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);

            a.sendChannelData(0x4000, "a to b".getBytes(StandardCharsets.UTF_8));
            TurnTestClient.Received atB = b.receiveData(5000);
            assertThat(atB).as("A's data at B").isNotNull();
            assertThat(atB.channel()).isEqualTo(0x4001); // from A's relayed address, bound to B's channel
            assertThat(new String(atB.data(), StandardCharsets.UTF_8)).isEqualTo("a to b");

            b.sendChannelData(0x4001, "b to a".getBytes(StandardCharsets.UTF_8));
            TurnTestClient.Received atA = a.receiveData(5000);
            assertThat(atA).as("B's data at A").isNotNull();
            assertThat(new String(atA.data(), StandardCharsets.UTF_8)).isEqualTo("b to a");
        }
    }

    @Test
    void theServersOwnAddressIsStillRefusedExceptForLiveRelayedAddresses() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.allowedPeersCleared());
             TurnTestClient a = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient b = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             Peer local = new Peer()) {
            a.allocate();
            InetSocketAddress relayedB = b.allocate();
            // A port-0 permission for the relay's IP, another port there, the listener: refused as before.
            InetSocketAddress ip = new InetSocketAddress(relayedB.getAddress(), 0);
            assertThat(TurnTestClient.errorCode(a.createPermission(ip))).isEqualTo(403);
            assertThat(TurnTestClient.errorCode(a.channelBind(0x4000, local.address()))).isEqualTo(403);
            assertThat(TurnTestClient.errorCode(a.channelBind(0x4000, server.udpAddress()))).isEqualTo(403);

            // With B's relayed address bound, the IP's permission exists: a Send indication to another port on it is
            // still dropped, to the listener too.
            assertThat(a.channelBind(0x4000, relayedB).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            long before = server.stats().droppedNoPermission();
            a.send(local.address(), "not for you".getBytes(StandardCharsets.UTF_8));
            a.send(server.udpAddress(), "nor for you".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().droppedNoPermission() >= before + 2);
            assertThat(local.receive(200)).as("a datagram at the server's own address off any allocation").isNull();

            // B's allocation gone: its address is no longer a peer.
            b.refresh(0);
            assertThat(TurnTestClient.errorCode(a.channelBind(0x4001, relayedB))).isEqualTo(403);
        }
    }
}
