package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.peer.internal.NatCache;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.server.PeerlinkServer;
import dev.peerlink.server.PeerlinkServerConfig;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NAT cache at the peer: a hit is announced at once and verified, a miss discovers and remembers, stale is replaced. */
class NatCachePeerTest {
    /** What a stale cache might claim: a symmetric NAT and a public address this host does not have. */
    static final NetworkInfo.Nat STALE = new NetworkInfo.Nat("symmetric", "address-and-port-dependent",
            "address-and-port-dependent", "random", null, false);

    @TempDir
    Path tmp;
    PeerlinkServer server;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = PeerlinkServer.start(new PeerlinkServerConfig(new InetSocketAddress("127.0.0.1", 0), Optional.empty(),
                Optional.empty(), Optional.of(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).build()),
                Optional.empty()));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        server.close();
    }

    String url() {
        return server.signal().orElseThrow().url();
    }

    String key() {
        return NatCache.currentKey(URI.create(url()).toString());
    }

    Peer peer(String id, Path cache) throws Exception {
        Peer p = Peer.builder().identity(DeviceIdentity.ephemeral(DeviceId.of(id))).server(url()).natCache(cache)
                .ladder(LadderConfig.defaults().withLoopback(true)).backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
        toClose.add(p);
        return p;
    }

    @Test
    void aMissDiscoversFirstAndTheNextProcessStartsFromTheRememberedReport() throws Exception {
        Path cache = tmp.resolve("nat-cache.json");
        Peer first = peer("pc", cache);
        assertThat(first.discovered()).isNotDone();
        first.start().get(10, TimeUnit.SECONDS);
        NetworkInfo found = first.discovered().get(20, TimeUnit.SECONDS);
        assertThat(found.nat()).isNotNull();
        assertThat(first.natFromCache()).isFalse();
        assertThat(new NatCache(cache).load(key()).orElseThrow().nat()).isEqualTo(found.nat());
        first.close();

        Peer again = peer("pc", cache);
        // known before registering: announced with the registration, and the ladder may use it at once
        assertThat(again.network().nat()).isEqualTo(found.nat());
        again.start();
        assertThat(again.discovered()).isDone();
        assertThat(again.discovered().get().nat()).isEqualTo(found.nat());
    }

    @Test
    void aStaleReportIsUsedOnlyUntilDiscoveryReplacesItAtTheServerAndInTheFile() throws Exception {
        Path cache = tmp.resolve("nat-cache.json");
        new NatCache(cache).save(key(), new InetSocketAddress("198.51.100.9", 1234), STALE);
        Peer p = peer("pc", cache);
        p.start().get(10, TimeUnit.SECONDS);
        assertThat(p.discovered().getNow(null).nat()).isEqualTo(STALE);
        await().atMost(Duration.ofSeconds(20)).until(() -> !p.natFromCache());
        NetworkInfo now = p.network();
        assertThat(now.nat()).isNotNull().isNotEqualTo(STALE);
        assertThat(now.publicAddress().getAddress().isLoopbackAddress()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> now.nat().equals(p.signalling().network().nat()));
        assertThat(new NatCache(cache).load(key()).orElseThrow().nat()).isEqualTo(now.nat());
    }

    @Test
    void aStaleReportDoesNotFailAConnect() throws Exception {
        Path cache = tmp.resolve("a-nat-cache.json");
        new NatCache(cache).save(key(), new InetSocketAddress("198.51.100.9", 1234), STALE);
        Peer b = peer("b", null);
        b.onConnection(c -> c.onStream(st -> {
            try (st) {
                st.input().transferTo(st.output());
            } catch (java.io.IOException e) {
                // the other side reports it
            }
        }));
        b.start().get(10, TimeUnit.SECONDS);
        b.discovered().get(20, TimeUnit.SECONDS);
        Peer a = peer("a", cache);
        a.start().get(10, TimeUnit.SECONDS);
        try (PeerConnection c = a.connect(Identity.device("b")).get(20, TimeUnit.SECONDS)) {
            var st = c.openStream();
            st.output().write("hello".getBytes());
            st.output().close();
            assertThat(new String(st.input().readAllBytes())).isEqualTo("hello");
        }
    }
}
