package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.secure.PeerIdentity;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.secure.TlsTransport;
import dev.peerlink.server.monitor.MonitorConfig;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Path {@code mapped} on loopback: a target with {@code listenPort(P)} and a fake gateway whose TCP "mapping" is
 * 127.0.0.1:P itself ({@link ForwardingGateway}). The server's mapping monitor probes it through the device's persistent
 * listener (which verifies it), the target's answer then carries it as a {@code mapped} candidate, and the initiator's
 * TLS session arrives on the persistent listener, is matched to the run by the proven key and nominated as
 * {@code mapped}.
 */
class MappedPathLoopbackTest {
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    SignalServer server() throws Exception {
        SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .mappingMonitor(MonitorConfig.every(Duration.ofSeconds(1))).build(), List.of(), id -> Optional.empty());
        toClose.add(s);
        return s;
    }

    Peer peer(SignalServer s, String id, LadderConfig ladder, int listenPort) throws Exception {
        Peer.Builder b = Peer.builder().identity(DeviceIdentity.ephemeral(DeviceId.of(id))).server(s.url()).discovery(false)
                .ladder(ladder).backoff(Duration.ofMillis(50), Duration.ofMillis(500));
        if (listenPort > 0) {
            b.listenPort(listenPort).portMapping(new ForwardingGateway());
        }
        Peer p = b.build();
        toClose.add(p);
        p.start().get(5, TimeUnit.SECONDS);
        return p;
    }

    static int freeTcpPort() throws Exception {
        try (ServerSocket ss = new ServerSocket(0)) {
            return ss.getLocalPort();
        }
    }

    @Test
    void connectsByTheVerifiedMappingAndMovesDataBothWays() throws Exception {
        SignalServer s = server();
        LadderConfig onlyMapped = LadderConfig.defaults().withLoopback(true).withPaths(Set.of("mapped"));
        int port = freeTcpPort();
        Peer b = peer(s, "nas", onlyMapped, port);
        CompletableFuture<PeerConnection> atB = new CompletableFuture<>();
        b.onConnection(c -> {
            LadderLoopbackTest.echo(c);
            atB.complete(c);
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> !b.mappedCandidates().isEmpty()); // a monitor probe verifies it
        assertThat(b.mappedCandidates()).containsExactly(new InetSocketAddress(ForwardingGateway.LOOPBACK, port));
        assertThat(b.network().mappings()).hasSize(1);

        Peer a = peer(s, "phone", onlyMapped, 0);
        PeerConnection c = a.connect(Identity.device("nas")).get(15, TimeUnit.SECONDS);
        LadderLoopbackTest.echo(c);
        assertThat(c.path()).isEqualTo("mapped");
        PeerConnection cb = atB.get(5, TimeUnit.SECONDS);
        assertThat(cb.path()).isEqualTo("mapped");
        LadderLoopbackTest.assertEcho(c, 1 << 20);   // a -> b -> a
        LadderLoopbackTest.assertEcho(cb, 1 << 20);  // b -> a -> b
        c.close();

        // the listener outlives the run: a second connection uses it again
        PeerConnection again = a.connect(Identity.device("nas")).get(15, TimeUnit.SECONDS);
        assertThat(again.path()).isEqualTo("mapped");
        LadderLoopbackTest.assertEcho(again, 64 * 1024);
        again.close();
    }

    @Test
    void withAllPathsTheMappedCandidateIsOfferedAndAPathIsFound() throws Exception {
        SignalServer s = server();
        LadderConfig all = LadderConfig.defaults().withLoopback(true);
        Peer b = peer(s, "nas", all, freeTcpPort());
        b.onConnection(LadderLoopbackTest::echo);
        await().atMost(Duration.ofSeconds(20)).until(() -> !b.mappedCandidates().isEmpty()); // a monitor probe verifies it
        Peer a = peer(s, "phone", all, 0);
        PeerConnection c = a.connect(Identity.device("nas")).get(15, TimeUnit.SECONDS);
        assertThat(c.path()).isIn("lan", "mapped");
        LadderLoopbackTest.assertEcho(c, 256 * 1024);
    }

    @Test
    void aDeviceWithoutAWaitingRunIsRefused() throws Exception {
        SignalServer s = server();
        int port = freeTcpPort();
        Peer b = peer(s, "nas", LadderConfig.defaults().withLoopback(true), port);
        b.onConnection(LadderLoopbackTest::echo);
        await().atMost(Duration.ofSeconds(20)).until(() -> !b.mappedCandidates().isEmpty()); // a monitor probe verifies it
        // a stranger dials the listener directly, pinning b correctly, with no brokered session
        DeviceIdentity x = DeviceIdentity.ephemeral(DeviceId.of("x"));
        dev.peerlink.secure.DeviceIdentity xs = dev.peerlink.secure.DeviceIdentity.of(new KeyPair(x.publicKey(), x.privateKey()));
        PeerIdentity bKey = PeerIdentity.of(b.identity().publicKey());
        Socket sock = new Socket(ForwardingGateway.LOOPBACK, port);
        SecureSession sess = TlsTransport.connect(sock, xs, bKey, SessionConfig.defaults());
        // the TLS handshake completes (the listener cannot know who dials before it), but no run takes the session:
        // it is closed and a nomination on it fails
        assertThat(dev.peerlink.peer.internal.ladder.Selection.nominate(sess, "mapped", Duration.ofSeconds(10))).isFalse();
        await().atMost(Duration.ofSeconds(15)).until(() -> !sess.isOpen());
        // garbage is refused too
        try (Socket g = new Socket(ForwardingGateway.LOOPBACK, port)) {
            g.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
            assertThat(g.getInputStream().read()).isEqualTo(-1);
        }
    }
}
