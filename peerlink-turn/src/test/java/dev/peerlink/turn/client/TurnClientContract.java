package dev.peerlink.turn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.client.RetransmissionPolicy;
import dev.peerlink.turn.ChannelData;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.attribute.Lifetime;
import dev.peerlink.turn.attribute.RequestedTransport;
import dev.peerlink.turn.attribute.XorRelayedAddress;
import dev.peerlink.turn.client.internal.Counters;
import dev.peerlink.turn.client.internal.LongTermAuth;
import dev.peerlink.turn.client.internal.ServerLink;
import dev.peerlink.turn.client.internal.Transactor;
import dev.peerlink.turn.client.internal.UdpServerLink;
import dev.peerlink.turn.attribute.ChannelNumber;
import dev.peerlink.turn.client.fixture.Inbox;
import dev.peerlink.turn.client.fixture.TurnServerLauncher;
import dev.peerlink.turn.client.fixture.TurnServerSpec;
import dev.peerlink.turn.client.fixture.TurnServerUnderTest;
import dev.peerlink.turn.client.fixture.UdpEchoPeer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import dev.peerlink.turn.client.fixture.TrustAllTls;

/**
 * What our TURN client must do against any TURN server, over UDP and TCP. Subclasses pick the
 * server (coturn now, ours when it lands) through a {@link TurnServerLauncher}.
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TurnClientContract {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final String REALM = "peerlink.test";
    static final TurnCredentials ALICE = TurnCredentials.of("alice", "wonderland");
    static final String SECRET = "north-wind";
    static final Duration SHORT_ALLOCATION = Duration.ofSeconds(5);
    static final Duration SHORT_PERMISSION = Duration.ofSeconds(4);
    static final Duration SHORT_CHANNEL = Duration.ofSeconds(6);

    private final List<TurnServerUnderTest> started = new ArrayList<>();
    private TurnServerUnderTest longTerm;
    private TurnServerUnderTest rest;
    private TurnServerUnderTest shortLived;
    private UdpEchoPeer echo;

    abstract TurnServerLauncher launcher();

    @BeforeAll
    void startServer() throws Exception {
        launcher().unavailable().ifPresent(reason -> {
            System.out.println("SKIPPED (TURN client against " + launcher().name() + "): " + reason);
            Assumptions.abort(reason);
        });
        longTerm = start(TurnServerSpec.longTerm(REALM, ALICE.username(), ALICE.password()));
        echo = new UdpEchoPeer();
    }

    @AfterAll
    void stopServers() {
        if (echo != null) {
            echo.close();
        }
        started.forEach(TurnServerUnderTest::close);
    }

    private TurnServerUnderTest start(TurnServerSpec spec) throws Exception {
        TurnServerUnderTest s = launcher().start(spec);
        started.add(s);
        return s;
    }

    private TurnServerUnderTest rest() throws Exception {
        if (rest == null) {
            rest = start(TurnServerSpec.rest(REALM, SECRET).withUserQuota(1));
        }
        return rest;
    }

    private TurnServerUnderTest shortLived() throws Exception {
        if (shortLived == null) {
            shortLived = start(TurnServerSpec.longTerm(REALM, ALICE.username(), ALICE.password())
                    .withLifetimes(SHORT_ALLOCATION, SHORT_PERMISSION, SHORT_CHANNEL)
                    .withStaleNonce(Duration.ofSeconds(3)));
        }
        return shortLived;
    }

    private static TurnClient.Builder client(TurnServerUnderTest server, TurnTransport transport,
                                             TurnCredentials credentials, Inbox inbox) {
        return TurnClient.builder(server.address(transport), credentials).transport(transport)
                .tls(TrustAllTls.context()) // both servers present self-signed certificates
                .dtls(TurnTls.anyCertificateDtls())
                .localAddress(new InetSocketAddress(LOOPBACK, 0)).onData(inbox);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void assertEchoes(TurnClient client, Inbox inbox, InetSocketAddress peer, byte[] payload) throws IOException {
        client.send(peer, payload);
        await("echo of " + payload.length + " bytes from " + peer).atMost(Duration.ofSeconds(10))
                .until(() -> inbox.has(peer, payload));
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void allocatesARelayedAddress(TurnTransport transport) throws Exception {
        try (TurnClient c = client(longTerm, transport, ALICE, new Inbox()).connect()) {
            TurnAllocation a = c.allocate();

            assertThat(a.relayedAddress().getAddress()).isEqualTo(LOOPBACK);
            assertThat(a.relayedAddress().getPort()).isPositive();
            assertThat(a.mappedAddress()).isEqualTo(c.localAddress());
            assertThat(a.lifetime()).isPositive();
            assertThat(c.allocation()).contains(a);
        }
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void relaysThroughSendAndDataIndications(TurnTransport transport) throws Exception {
        Inbox inbox = new Inbox();
        try (TurnClient c = client(longTerm, transport, ALICE, inbox).connect()) {
            c.allocate();
            c.createPermission(echo.address().getAddress());

            assertEchoes(c, inbox, echo.address(), bytes("hello through an indication"));
            assertThat(c.channel(echo.address())).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void relaysThroughChannelData(TurnTransport transport) throws Exception {
        Inbox inbox = new Inbox();
        try (TurnClient c = client(longTerm, transport, ALICE, inbox).connect()) {
            c.allocate();
            int channel = c.bindChannel(echo.address());

            assertThat(channel).isBetween(ChannelNumber.MIN, ChannelNumber.MAX);
            assertThat(c.bindChannel(echo.address())).isEqualTo(channel);
            // Lengths 1..4 and odd sizes exercise ChannelData padding over TCP.
            for (int len : new int[] {1, 2, 3, 4, 5, 100, 1199, 1200}) {
                byte[] payload = new byte[len];
                java.util.Arrays.fill(payload, (byte) len);
                assertEchoes(c, inbox, echo.address(), payload);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void wrongPasswordIsATypedAuthenticationError(TurnTransport transport) throws Exception {
        try (TurnClient c = client(longTerm, transport, TurnCredentials.of("alice", "not-her-password"), new Inbox())
                .connect()) {
            assertThatThrownBy(c::allocate).isInstanceOf(TurnAuthenticationException.class)
                    .extracting(e -> ((TurnException) e).errorCode()).isEqualTo(401);
            assertThat(c.allocation()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void closeDeletesTheAllocation(TurnTransport transport) throws Exception {
        Inbox inbox = new Inbox();
        TurnClient c = client(longTerm, transport, ALICE, inbox).connect();
        TurnAllocation a = c.allocate();
        c.bindChannel(echo.address());
        assertEchoes(c, inbox, echo.address(), bytes("before close"));
        assertThat(relayPortClosed(a.relayedAddress())).as("relay port open while allocated").isFalse();

        c.close();

        // The server closed the relayed socket: the kernel answers with ICMP port unreachable.
        await("relayed port closed").atMost(Duration.ofSeconds(10)).until(() -> relayPortClosed(a.relayedAddress()));
        assertThatThrownBy(() -> c.send(echo.address(), bytes("after close"))).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void restCredentialsMintedFromTheSharedSecretWork(TurnTransport transport) throws Exception {
        Inbox inbox = new Inbox();
        TurnCredentials minted = TurnCredentials.mint(SECRET, "bob-" + transport, Duration.ofHours(1));
        try (TurnClient c = client(rest(), transport, minted, inbox).connect()) {
            c.allocate();
            c.bindChannel(echo.address());
            assertEchoes(c, inbox, echo.address(), bytes("REST credentials"));
        }
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void expiredRestCredentialsAreRefused(TurnTransport transport) throws Exception {
        TurnCredentials expired = TurnCredentials.mint(SECRET, "carol", Duration.ofMinutes(1),
                Instant.now().minus(Duration.ofHours(2)));
        try (TurnClient c = client(rest(), transport, expired, new Inbox()).connect()) {
            assertThatThrownBy(c::allocate).isInstanceOf(TurnAuthenticationException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void aSecondAllocationBeyondTheUserQuotaIsATypedError(TurnTransport transport) throws Exception {
        TurnCredentials dave = TurnCredentials.mint(SECRET, "dave-" + transport, Duration.ofHours(1));
        try (TurnClient first = client(rest(), transport, dave, new Inbox()).connect();
             TurnClient second = client(rest(), transport, dave, new Inbox()).connect()) {
            first.allocate();
            assertThatThrownBy(second::allocate).isInstanceOf(AllocationQuotaReachedException.class)
                    .extracting(e -> ((TurnException) e).errorCode()).isEqualTo(486);
        }
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void refreshesKeepAllocationPermissionAndChannelAlivePastTheirLifetimes(TurnTransport transport) throws Exception {
        Inbox inbox = new Inbox();
        try (UdpEchoPeer viaIndication = new UdpEchoPeer();
             TurnClient c = client(shortLived(), transport, ALICE, inbox)
                     // Ask for an hour: the server's maximum (5 s) wins. (coturn applies its
                     // maximum only to a requested LIFETIME; without one it grants 600 s.)
                     .requestedLifetime(Duration.ofHours(1))
                     .permissionLifetime(SHORT_PERMISSION).channelLifetime(SHORT_CHANNEL).connect()) {
            TurnAllocation a = c.allocate();
            assertThat(a.lifetime()).isEqualTo(SHORT_ALLOCATION);
            c.bindChannel(echo.address());
            c.createPermission(viaIndication.address().getAddress());
            long start = System.nanoTime();

            // Three allocation refreshes at 80% of 5 s: about 12 s, well past every lifetime.
            await("refreshes").atMost(Duration.ofSeconds(40)).until(() -> {
                TurnClientStats s = c.stats();
                return s.allocationRefreshes() >= 3 && s.permissionRefreshes() >= 3 && s.channelRefreshes() >= 2;
            });

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(SHORT_ALLOCATION.multipliedBy(2));
            assertEchoes(c, inbox, echo.address(), bytes("still bound"));
            assertEchoes(c, inbox, viaIndication.address(), bytes("still permitted"));
            assertThat(c.stats().refreshFailures()).isZero();
            // The server's nonce went stale every 3 s; refreshes got through by retrying with the new one.
            assertThat(c.stats().staleNonceRetries()).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void followsTryAlternateToAServerInAnotherRealm(TurnTransport transport) throws Exception {
        TurnServerUnderTest alternate = start(TurnServerSpec.longTerm("alternate." + REALM, ALICE.username(), ALICE.password()));
        TurnServerUnderTest draining = start(TurnServerSpec.longTerm(REALM, ALICE.username(), ALICE.password())
                .withAlternate(alternate.address(transport)));
        Inbox inbox = new Inbox();
        try (TurnClient c = client(draining, transport, ALICE, inbox).connect()) {
            c.allocate();

            assertThat(c.server()).isEqualTo(alternate.address(transport));
            c.bindChannel(echo.address());
            assertEchoes(c, inbox, echo.address(), bytes("relayed by the alternate"));
        }
    }

    @ParameterizedTest
    @EnumSource(TurnTransport.class)
    void aSecondTryAlternateIsATypedErrorNotALoop(TurnTransport transport) throws Exception {
        InetSocketAddress nowhere = new InetSocketAddress(LOOPBACK, 9);
        TurnServerUnderTest second = start(TurnServerSpec.longTerm(REALM, ALICE.username(), ALICE.password())
                .withAlternate(nowhere));
        TurnServerUnderTest first = start(TurnServerSpec.longTerm(REALM, ALICE.username(), ALICE.password())
                .withAlternate(second.address(transport)));
        try (TurnClient c = client(first, transport, ALICE, new Inbox()).connect()) {
            assertThatThrownBy(c::allocate).isInstanceOf(TryAlternateException.class)
                    .hasMessageContaining("one redirect per allocation")
                    .satisfies(e -> assertThat(((TryAlternateException) e).alternate()).contains(nowhere));
            assertThat(c.server()).isEqualTo(second.address(transport));
            assertThat(c.allocation()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TurnTransport.class, names = "UDP")
    void withoutRefreshesTheShortLivedServerDropsTheAllocation(TurnTransport transport) throws Exception {
        // The control for the refresh test: the same server, an allocation nobody refreshes.
        TurnServerUnderTest server = shortLived();
        try (ServerLink link = UdpServerLink.open(new InetSocketAddress(LOOPBACK, 0), server.address(),
                RetransmissionPolicy.RFC_8489, new ServerLink.Inbound() {
                    @Override
                    public void indication(StunMessage message) {}

                    @Override
                    public void channelData(ChannelData data) {}
                })) {
            StunMessage r = new Transactor(link, new LongTermAuth(ALICE), new Counters()).run(StunMethod.ALLOCATE,
                    b -> b.add(new RequestedTransport(RequestedTransport.UDP)).add(new Lifetime(3600)));
            InetSocketAddress relayed = r.attribute(XorRelayedAddress.class).orElseThrow().address();
            assertThat(relayPortClosed(relayed)).isFalse();

            await("unrefreshed allocation expires").atMost(SHORT_ALLOCATION.multipliedBy(4))
                    .until(() -> relayPortClosed(relayed));
        }
    }

    /** Sends a probe to the relayed port and reports whether the kernel says nothing listens there. */
    static boolean relayPortClosed(InetSocketAddress relayed) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            s.connect(relayed);
            s.setSoTimeout(300);
            s.send(new DatagramPacket(new byte[] {1}, 1));
            s.receive(new DatagramPacket(new byte[16], 16));
            return false; // an answer: something listens (our probe IP has no permission, so not expected)
        } catch (PortUnreachableException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }
}
