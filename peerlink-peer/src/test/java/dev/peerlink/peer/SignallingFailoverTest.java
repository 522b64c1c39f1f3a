package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A signalling client with several servers (embedded, sharing nothing) moves to another when its server goes away:
 * same key, aliases and network information at the new one; requests issued in between wait or fail clearly.
 */
class SignallingFailoverTest {
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    SignalServer server(InetSocketAddress at, Duration heartbeat) throws Exception {
        SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(at).heartbeat(heartbeat).build(),
                List.of(), id -> Optional.empty());
        toClose.add(s);
        return s;
    }

    SignalServer server() throws Exception {
        return server(new InetSocketAddress("127.0.0.1", 0), HEARTBEAT);
    }

    static URI url(SignalServer s) {
        return URI.create(s.url());
    }

    /** A loopback port nothing listens on now (a server the test starts later). */
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    SignallingClient.Builder client(String id) {
        return SignallingClient.builder().identity(DeviceIdentity.ephemeral(DeviceId.of(id)))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).requestTimeout(Duration.ofSeconds(5));
    }

    SignallingClient started(SignallingClient.Builder b) throws Exception {
        SignallingClient c = b.build();
        toClose.add(c);
        c.start().get(10, TimeUnit.SECONDS);
        return c;
    }

    @Test
    void movesToTheOtherServerWithTheSameKeyAliasesAndNetwork() throws Exception {
        SignalServer a = server();
        SignalServer b = server();
        DeviceIdentity key = DeviceIdentity.ephemeral(DeviceId.of("mover"));
        AtomicInteger registrations = new AtomicInteger();
        SignallingClient mover = client("mover").identity(key).servers(List.of(url(a), url(b)))
                .aliases(new Aliases(null, null, "moving")).build();
        toClose.add(mover);
        mover.addRegisteredListener(r -> registrations.incrementAndGet());
        mover.start().get(10, TimeUnit.SECONDS);
        SignalServer first = mover.server().equals(url(a)) ? a : b;
        SignalServer second = first == a ? b : a;
        NetworkInfo.Nat nat = new NetworkInfo.Nat("symmetric", "address-and-port-dependent", null, null, null, null);
        mover.update(new NetworkInfo(List.of(), new InetSocketAddress("203.0.113.9", 40000), nat, null, List.of()))
                .get(5, TimeUnit.SECONDS);
        assertThat(first.natMix()).isEqualTo(Map.of("symmetric", 1));

        first.close();
        await().atMost(HEARTBEAT).until(() -> mover.state() == SignallingClient.State.REGISTERED && mover.server().equals(url(second)));
        assertThat(registrations.get()).isEqualTo(2);
        assertThat(second.onlineDevices()).isEqualTo(1);
        assertThat(second.natMix()).as("the NAT report announced at the first server").isEqualTo(Map.of("symmetric", 1));
        SignallingClient other = started(client("other").server(url(second)));
        Brokered viaAlias = other.connect(Identity.username("moving"), JsonBlob.EMPTY).get(10, TimeUnit.SECONDS);
        assertThat(viaAlias.peer().deviceId()).as("the alias was registered again").isEqualTo(DeviceId.of("mover"));
        assertThat(viaAlias.peer().publicKey()).as("the same device key").isEqualTo(key.publicKeyText());
    }

    @Test
    void aNameWithTwoAddressesIsTwoServersAndTheNameIsKept() throws Exception {
        SignalServer a = server();
        int port = a.address().getPort();
        SignalServer b = server(new InetSocketAddress("127.0.0.2", port), HEARTBEAT);
        URI name = URI.create("ws://signal.failover.test:" + port + "/v1/signal");
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        ServerResolver dns = host -> {
            asked.add(host);
            return List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"));
        };
        SignallingClient mover = started(client("by-name").server(name).resolver(dns));
        assertThat(mover.server()).isEqualTo(name);
        SignalServer first = a.onlineDevices() == 1 ? a : b;
        SignalServer second = first == a ? b : a;
        assertThat(second.onlineDevices()).isZero();
        int lookups = asked.size();
        first.close();
        // the server counts the device online just before its answer reaches the client
        await().atMost(HEARTBEAT).until(() -> second.onlineDevices() == 1 && mover.state() == SignallingClient.State.REGISTERED);
        assertThat(asked).hasSizeGreaterThan(lookups).containsOnly("signal.failover.test");
    }

    @Test
    void behindAGivenProxyTheNameIsLeftToTheProxy() throws Exception {
        SignalServer a = server();
        FreezableProxy tunnelTarget = new FreezableProxy(a.address()); // any listener: the CONNECT it receives fails
        toClose.add(tunnelTarget);
        AtomicInteger lookups = new AtomicInteger();
        SignallingClient c = client("proxied").server(URI.create("ws://signal.failover.test:7000/v1/signal"))
                .resolver(host -> {
                    lookups.incrementAndGet();
                    return List.of(InetAddress.getLoopbackAddress());
                })
                .proxy(dev.peerlink.protocol.HttpProxy.parse("http://127.0.0.1:" + tunnelTarget.port())).build();
        toClose.add(c);
        c.start();
        await().atMost(HEARTBEAT).until(() -> tunnelTarget.connections() >= 2);
        assertThat(lookups.get()).as("the proxy resolves the server's name").isZero();
    }

    @Test
    void aConnectIssuedWhileNoServerIsUpWaitsForTheReRegistration() throws Exception {
        SignalServer a = server();
        int later = freePort();
        URI b = URI.create("ws://127.0.0.1:" + later + "/v1/signal");
        SignallingClient mover = started(client("mover").servers(List.of(url(a), b)));
        assertThat(mover.server()).isEqualTo(url(a));
        a.close();
        await().atMost(HEARTBEAT).until(() -> mover.state() != SignallingClient.State.REGISTERED);
        CompletableFuture<Brokered> pending = mover.connect(Identity.device("target"), JsonBlob.EMPTY, Duration.ofSeconds(20));

        SignalServer up = server(new InetSocketAddress("127.0.0.1", later), HEARTBEAT);
        SignallingClient target = started(client("target").server(url(up)));
        target.onIncoming(r -> r.accept(JsonBlob.EMPTY));
        Brokered answer = pending.get(20, TimeUnit.SECONDS);
        assertThat(answer.accepted()).isTrue();
        assertThat(mover.server()).isEqualTo(b);
    }

    @Test
    void aConnectWhileNoServerIsUpFailsAsDisconnectedWithinItsTimeout() throws Exception {
        SignalServer a = server();
        SignallingClient mover = started(client("mover").server(url(a)));
        a.close();
        await().atMost(HEARTBEAT).until(() -> mover.state() != SignallingClient.State.REGISTERED);
        long t0 = System.nanoTime();
        CompletableFuture<Brokered> f = mover.connect(Identity.device("x"), JsonBlob.EMPTY, Duration.ofMillis(400));
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SignallingException.class)
                .satisfies(e -> assertThat(((SignallingException) e).code()).isEqualTo(SignallingException.DISCONNECTED))
                .hasMessageContaining("not registered within 400 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void aServerThatGoesSilentIsLeftAfterThreeHeartbeats() throws Exception {
        Duration heartbeat = Duration.ofMillis(300);
        SignalServer a = server(new InetSocketAddress("127.0.0.1", 0), heartbeat);
        FreezableProxy toA = new FreezableProxy(a.address());
        toClose.add(toA);
        URI viaProxy = URI.create("ws://127.0.0.1:" + toA.port() + "/v1/signal");
        int later = freePort();
        // the second server is not up yet: the client registers behind the proxy whichever it tries first
        SignallingClient mover = started(client("mover").servers(List.of(viaProxy, URI.create("ws://127.0.0.1:" + later + "/v1/signal"))));
        assertThat(mover.server()).isEqualTo(viaProxy);
        SignalServer b = server(new InetSocketAddress("127.0.0.1", later), heartbeat);
        toA.freeze(); // the host vanishes: no FIN, no RST, nothing more
        await().atMost(Duration.ofSeconds(5)).until(() -> b.onlineDevices() == 1 && mover.state() == SignallingClient.State.REGISTERED);
        assertThat(toA.connections()).as("the silent connection was never closed by the proxy").isEqualTo(1);
    }
}
