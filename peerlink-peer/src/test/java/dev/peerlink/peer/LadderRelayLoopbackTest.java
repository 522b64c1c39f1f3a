package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.server.PeerlinkServer;
import dev.peerlink.server.PeerlinkServerConfig;
import dev.peerlink.server.signal.SignalServerConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay step through the embedded server's TURN relay, and the move off the relay when a direct path appears. */
class LadderRelayLoopbackTest {
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    PeerlinkServer server() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        PeerlinkServer s = PeerlinkServer.start(new PeerlinkServerConfig(new InetSocketAddress(lo, 0), Optional.empty(),
                Optional.of(new PeerlinkServerConfig.Relay(new InetSocketAddress(lo, 0), Optional.empty(), "peerlink",
                        Optional.empty(), List.of("127.0.0.0/8"))),
                Optional.of(SignalServerConfig.builder().listen(new InetSocketAddress(lo, 0)).build()), Optional.empty()));
        toClose.add(s);
        return s;
    }

    Peer peer(PeerlinkServer s, String id, LadderConfig ladder) throws Exception {
        Peer p = Peer.builder().identity(DeviceIdentity.ephemeral(DeviceId.of(id))).server(s.signal().orElseThrow().url())
                .discovery(false).ladder(ladder).build();
        toClose.add(p);
        p.start().get(5, TimeUnit.SECONDS);
        return p;
    }

    @Test
    void relayOnlyConnectsThroughTheTurnRelay() throws Exception {
        PeerlinkServer s = server();
        LadderConfig relayOnly = LadderConfig.defaults().withLoopback(true).withPaths(Set.of("relay"))
                .withRelayAfter(Duration.ZERO);
        Peer a = peer(s, "a", relayOnly);
        Peer b = peer(s, "b", relayOnly);
        b.onConnection(LadderLoopbackTest::echo);
        PeerConnection c = a.connect(Identity.device("b")).get(30, TimeUnit.SECONDS);
        assertThat(c.path()).isEqualTo("relay");
        LadderLoopbackTest.assertEcho(c, 2 << 20);
        assertThat(s.relay().orElseThrow().stats().toString()).isNotBlank();
    }

    @Test
    void relayedConnectionMovesToAHolePunchedPathWithoutLosingBytes() throws Exception {
        PeerlinkServer s = server();
        // Relay first (at once); hole punching starts 3 s later and must take over. 1.5 s was too close: on a loaded
        // 2-core machine the relay (allocation + QUIC handshake) took longer and the punch won the ladder outright.
        LadderConfig cfg = LadderConfig.defaults().withLoopback(true).withPaths(Set.of("relay", "punch"))
                .withRelayAfter(Duration.ZERO).withPunchAfter(Duration.ofMillis(3000));
        Peer a = peer(s, "a", cfg);
        Peer b = peer(s, "b", cfg);
        b.onConnection(LadderLoopbackTest::echo);
        PeerConnection c = a.connect(Identity.device("b")).get(30, TimeUnit.SECONDS);
        assertThat(c.path()).isEqualTo("relay");
        List<String> moves = new CopyOnWriteArrayList<>();
        c.onPathChange((from, to) -> moves.add(from + "->" + to));

        // One stream across the move: half of 32 MiB goes over the relay, the writer waits for the move to the
        // punched path, then the other half follows on the same stream.
        int total = 32 << 20;
        byte[] data = new byte[total];
        new Random(7).nextBytes(data);
        SecureStream st = c.openStream();
        Thread writer = Thread.ofVirtual().start(() -> {
            try (OutputStream out = st.output()) {
                for (int off = 0; off < total; off += 64 * 1024) {
                    if (off == total / 2) {
                        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !moves.isEmpty());
                    }
                    out.write(data, off, 64 * 1024);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        byte[] back;
        try (InputStream in = st.input()) {
            back = in.readAllBytes();
        }
        writer.join();
        assertThat(back.length).isEqualTo(total);
        assertThat(MessageDigest.getInstance("SHA-256").digest(back)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !moves.isEmpty());
        // Between two host addresses of one machine: "lan" for private ones, "punch" when the host's address looks
        // public (e.g. 192.0.2.x on some CI machines) — either way a hole-punched UDP path, never the relay.
        assertThat(moves).hasSize(1);
        assertThat(moves.get(0)).isIn("relay->lan", "relay->punch");
        assertThat(c.path()).isIn("lan", "punch");
    }
}
