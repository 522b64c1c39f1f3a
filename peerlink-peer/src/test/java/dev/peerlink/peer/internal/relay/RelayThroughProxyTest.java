package dev.peerlink.peer.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.protocol.Endpoints;
import dev.peerlink.protocol.HttpProxy;
import dev.peerlink.protocol.RelayGrant;
import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.QuicTransport;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.testkit.tools.Tinyproxy;
import dev.peerlink.turn.server.TurnServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, proxy-only networks: the relay's TLS link through a real HTTP CONNECT proxy (Debian's tinyproxy, Basic
 * auth), and which proxy {@link RelayProxy} picks.
 */
class RelayThroughProxyTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final QuicTransport QUIC = new QuicTransport(1);
    private static final SessionConfig FAST = SessionConfig.defaults().withIdleTimeout(Duration.ofMillis(500), Duration.ofSeconds(2));

    @BeforeAll
    static void needsTinyproxy() {
        Tinyproxy.assumeInstalled();
    }

    @AfterAll
    static void closeTransport() {
        QUIC.close();
    }

    @Test
    void relayOverTlsThroughAnHttpProxyWithBasicCredentials() throws Exception {
        DeviceIdentity p = DeviceIdentity.generate();
        DeviceIdentity r = DeviceIdentity.generate();
        try (Tinyproxy proxy = Tinyproxy.start("corp", "s3cret");
             TurnServer server = RelayPathTest.startServer(new InetSocketAddress(LOOPBACK, 0), b -> b.tlsPort(0))) {
            RelayGrant grant = new RelayGrant(List.of(), "alice", "wonderland", 600,
                    List.of("turns:" + Endpoints.format(server.tlsAddress())));
            try (RelayPath relay = RelayPath.open(QUIC, grant, Duration.ofSeconds(5), HttpProxy.parse(proxy.url("corp", "s3cret")))) {
                relay.permit(LOOPBACK);
                CompletableFuture<SecureSession> rs = QUIC.accept(relay.quicChannel(), r, p.publicIdentity(), FAST);
                CompletableFuture<SecureSession> ps = QUIC.connect(RelayPathTest.plainSocket(LOOPBACK), relay.relayedAddress(),
                        p, r.publicIdentity(), FAST);
                SecureSession pSession = ps.get(20, TimeUnit.SECONDS);
                SecureSession rSession = rs.get(20, TimeUnit.SECONDS);
                RelayPathTest.echoStreams(rSession);
                byte[] msg = RelayPathTest.random(1 << 20, 7);
                SecureStream st = pSession.openStream();
                Thread w = Thread.ofVirtual().start(() -> RelayPathTest.writeAndFin(st.output(), msg));
                assertThat(RelayPathTest.sha256(st.input().readAllBytes())).isEqualTo(RelayPathTest.sha256(msg));
                w.join();
                pSession.close();
                rSession.close();
            }
            assertThat(proxy.log()).contains("CONNECT " + Endpoints.format(server.tlsAddress()));
        }
    }

    @Test
    void wrongProxyCredentialsFailTheAllocationWithTheProxysAnswer() throws Exception {
        try (Tinyproxy proxy = Tinyproxy.start("corp", "s3cret");
             TurnServer server = RelayPathTest.startServer(new InetSocketAddress(LOOPBACK, 0), b -> b.tlsPort(0))) {
            RelayGrant grant = new RelayGrant(List.of(), "alice", "wonderland", 600,
                    List.of("turns:" + Endpoints.format(server.tlsAddress())));
            assertThatThrownBy(() -> RelayPath.open(QUIC, grant, Duration.ofSeconds(5), HttpProxy.parse(proxy.url("corp", "wrong"))))
                    // tinyproxy answers a CONNECT with bad credentials 401 (RFC 9110 would have 407): either is a refusal
                    .isInstanceOf(IOException.class).hasMessageMatching("proxy .* refused CONNECT .*: HTTP/1\\.[01] 40[17] .*");
        }
    }

    @Test
    void theGivenProxyElseHttpsProxyUnlessNoProxy() {
        InetSocketAddress relay = new InetSocketAddress("203.0.113.10", 443);
        HttpProxy given = HttpProxy.parse("http://10.0.0.1:3128");
        assertThat(RelayProxy.connector(relay, given, Map.of())).isNotNull();
        assertThat(RelayProxy.connector(relay, null, Map.of())).as("no proxy anywhere: direct").isNull();
        assertThat(RelayProxy.connector(relay, null, Map.of("HTTPS_PROXY", "http://10.0.0.1:3128"))).isNotNull();
        assertThat(RelayProxy.connector(relay, null, Map.of("HTTPS_PROXY", "http://10.0.0.1:3128", "NO_PROXY", "203.0.113.10")))
                .isNull();
    }
}
