package dev.peerlink.turn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.client.fixture.CoturnLauncher;
import dev.peerlink.turn.client.fixture.Inbox;
import dev.peerlink.turn.client.fixture.PeerlinkLauncher;
import dev.peerlink.turn.client.fixture.TrustAllTls;
import dev.peerlink.turn.client.fixture.TurnServerLauncher;
import dev.peerlink.turn.client.fixture.TurnServerSpec;
import dev.peerlink.turn.client.fixture.TurnServerUnderTest;
import dev.peerlink.turn.client.fixture.UdpEchoPeer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 300 Try Alternate across implementations: coturn ({@code --alternate-server}, which redirects the first, unsigned
 * Allocate) sends our client to our relay, and our relay (which redirects only a signed Allocate, signing the 300)
 * sends it to coturn. Realms differ, so the client authenticates anew at the alternate.
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TryAlternateInteropTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final TurnCredentials ALICE = TurnCredentials.of("alice", "wonderland");

    private final TurnServerLauncher coturn = new CoturnLauncher();
    private final TurnServerLauncher peerlink = new PeerlinkLauncher();
    private final List<TurnServerUnderTest> started = new ArrayList<>();
    private UdpEchoPeer echo;

    @BeforeAll
    void checkCoturn() throws Exception {
        coturn.unavailable().ifPresent(reason -> {
            System.out.println("SKIPPED (300 Try Alternate interop with coturn): " + reason);
            Assumptions.abort(reason);
        });
        echo = new UdpEchoPeer();
    }

    @AfterAll
    void stop() {
        if (echo != null) {
            echo.close();
        }
        started.forEach(TurnServerUnderTest::close);
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void coturnRedirectsToOurRelay(TurnTransport transport) throws Exception {
        followAndRelay(transport, coturn, peerlink);
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void ourRelayRedirectsToCoturn(TurnTransport transport) throws Exception {
        followAndRelay(transport, peerlink, coturn);
    }

    private void followAndRelay(TurnTransport transport, TurnServerLauncher from, TurnServerLauncher to) throws Exception {
        TurnServerUnderTest alternate = start(to, TurnServerSpec.longTerm("alternate.peerlink.test", "alice", "wonderland"));
        TurnServerUnderTest draining = start(from, TurnServerSpec.longTerm("peerlink.test", "alice", "wonderland")
                .withAlternate(alternate.address(transport)));
        Inbox inbox = new Inbox();
        try (TurnClient c = TurnClient.builder(draining.address(transport), ALICE).transport(transport)
                .tls(TrustAllTls.context()).dtls(TurnTls.anyCertificateDtls()).localAddress(new InetSocketAddress(LOOPBACK, 0)).onData(inbox).connect()) {
            c.allocate();

            assertThat(c.server()).as(from.name() + " → " + to.name()).isEqualTo(alternate.address(transport));
            c.bindChannel(echo.address());
            byte[] payload = ("via " + to.name()).getBytes(StandardCharsets.UTF_8);
            c.send(echo.address(), payload);
            await("echo through " + to.name()).atMost(Duration.ofSeconds(10)).until(() -> inbox.has(echo.address(), payload));
        }
    }

    private TurnServerUnderTest start(TurnServerLauncher launcher, TurnServerSpec spec) throws Exception {
        TurnServerUnderTest s = launcher.start(spec);
        started.add(s);
        return s;
    }
}
