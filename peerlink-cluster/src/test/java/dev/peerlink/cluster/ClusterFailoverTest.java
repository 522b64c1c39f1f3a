package dev.peerlink.cluster;

import static dev.peerlink.cluster.ClusterBrokeringTest.assertEcho;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.cluster.ClusterHarness.Instance;
import dev.peerlink.peer.ConnectException;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.LadderConfig;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Identity;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SDK's server list against a real cluster: when the instance holding a device dies, the device re-registers at
 * another instance of its list within the heartbeat window, its established peer connection keeps flowing, a connect
 * asked during the fault either succeeds or fails with a typed error, and afterwards it is reached through the
 * instance it moved to.
 */
class ClusterFailoverTest extends ClusterTestBase {
    @Test
    void aDeviceWhoseInstanceDiesMovesToAnotherAndStaysReachable() throws Exception {
        Peer a = peer("a", List.of(cluster.get(0)));
        Peer mover = peer("mover", List.of(cluster.get(1), cluster.get(2)));
        mover.onConnection(ClusterBrokeringTest::echo);
        Instance home = instanceAt(mover.signalling().server());
        Instance other = home == cluster.get(1) ? cluster.get(2) : cluster.get(1);
        assertThat(presence("mover")).isEqualTo(home.id());
        PeerConnection established = a.connect(Identity.device("mover")).get(20, TimeUnit.SECONDS);
        assertEcho(established, 64 * 1024);

        // The instance dies without a goodbye: its Redis link first (no presence release), then its server.
        home.node().close();
        long diedAt = System.nanoTime();
        home.server().close();
        CompletableFuture<PeerConnection> duringTheFault = a.connect(Identity.device("mover"));

        await().atMost(ClusterHarness.WINDOW).untilAsserted(() -> {
            assertThat(mover.signalling().state()).isEqualTo(SignallingClient.State.REGISTERED);
            assertThat(mover.signalling().server()).isEqualTo(URI.create(other.url()));
            assertThat(presence("mover")).isEqualTo(other.id());
        });
        System.out.printf("[cluster] re-registered at %s %d ms after %s died%n", other.id(),
                (System.nanoTime() - diedAt) / 1_000_000, home.id());
        assertEcho(established, 256 * 1024); // the peer connection never depended on the instance

        try {
            PeerConnection c = duringTheFault.get(30, TimeUnit.SECONDS);
            assertEcho(c, 16 * 1024);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(ConnectException.class, ce ->
                    assertThat(ce.code()).isIn(Set.of(ErrorCode.OFFLINE, ErrorCode.TIMEOUT)));
        }
        PeerConnection after = a.connect(Identity.device("mover")).get(20, TimeUnit.SECONDS);
        assertEcho(after, 64 * 1024);
        assertThat(other.server().onlineDevices()).isEqualTo(1);
    }

    private Instance instanceAt(URI server) {
        return cluster.instances.stream().filter(i -> URI.create(i.url()).equals(server)).findFirst()
                .orElseThrow(() -> new AssertionError("registered at no instance of the cluster: " + server));
    }

    private Peer peer(String id, List<Instance> servers) throws Exception {
        Peer p = Peer.builder().identity(DeviceIdentity.ephemeral(DeviceId.of(id)))
                .servers(servers.stream().map(i -> URI.create(i.url())).toList()).discovery(false)
                .ladder(LadderConfig.defaults().withLoopback(true)).backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
        toClose.add(p);
        p.start().get(10, TimeUnit.SECONDS);
        return p;
    }

}
