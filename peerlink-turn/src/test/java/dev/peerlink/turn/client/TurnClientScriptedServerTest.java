package dev.peerlink.turn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunIntegrity;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.AlternateServer;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.attribute.Nonce;
import dev.peerlink.stun.attribute.PasswordAlgorithm;
import dev.peerlink.stun.attribute.PasswordAlgorithms;
import dev.peerlink.stun.attribute.Realm;
import dev.peerlink.stun.attribute.Username;
import dev.peerlink.stun.attribute.XorMappedAddress;
import dev.peerlink.stun.client.RetransmissionPolicy;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.attribute.Lifetime;
import dev.peerlink.turn.attribute.XorRelayedAddress;
import dev.peerlink.turn.client.fixture.ScriptedTurnServer;
import dev.peerlink.turn.client.fixture.ScriptedTurnServer.Reply;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Client behaviour coturn 4.6 cannot show: an RFC 8489 server offering SHA-256, and chosen error codes. */
class TurnClientScriptedServerTest {
    private static final TurnCredentials ALICE = TurnCredentials.of("alice", "wonderland");
    private static final byte[] SHA256_KEY = StunIntegrity.longTermKeySha256("alice", "r", "wonderland");
    private static final RetransmissionPolicy QUICK =
            new RetransmissionPolicy(Duration.ofMillis(50), Duration.ofMillis(20), 3, 2);
    private static final InetSocketAddress RELAYED = new InetSocketAddress("127.0.0.1", 50000);

    private static Reply challenge(StunMessage req, int code, String nonce) {
        return new Reply(req.respond(StunClass.ERROR_RESPONSE).add(ErrorCode.of(code)).add(new Realm("r"))
                .add(new Nonce(nonce))
                .add(new PasswordAlgorithms(List.of(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5))).build(),
                MessageProtection.NONE);
    }

    private static TurnClient client(ScriptedTurnServer server) throws Exception {
        return TurnClient.builder(server.address(), ALICE).retransmission(QUICK)
                .localAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .closeTimeout(Duration.ofMillis(200)).connect();
    }

    @Test
    void answersASha256ChallengeAndRetriesAStaleNonce() throws Exception {
        AtomicInteger staleSent = new AtomicInteger();
        try (ScriptedTurnServer server = new ScriptedTurnServer((req, from) -> {
            if (req.attribute(Username.class).isEmpty()) {
                return challenge(req, 401, "n1");
            }
            boolean sha256 = req.attribute(PasswordAlgorithm.class).map(PasswordAlgorithm::algorithm)
                    .orElse(PasswordAlgorithm.MD5) == PasswordAlgorithm.SHA256;
            if (!sha256 || !StunIntegrity.verifySha256(req, SHA256_KEY)) {
                return challenge(req, 401, "n1");
            }
            if (staleSent.getAndIncrement() == 0) {
                return challenge(req, 438, "n2");
            }
            if (!req.attribute(Nonce.class).orElseThrow().value().equals("n2")) {
                return challenge(req, 401, "n2");
            }
            return new Reply(req.respond(StunClass.SUCCESS_RESPONSE).add(new XorRelayedAddress(RELAYED))
                    .add(new XorMappedAddress(from)).add(new Lifetime(600)).build(),
                    MessageProtection.NONE.withIntegritySha256(SHA256_KEY));
        }); TurnClient c = client(server)) {
            TurnAllocation a = c.allocate();

            assertThat(a.relayedAddress()).isEqualTo(RELAYED);
            assertThat(a.mappedAddress()).isEqualTo(c.localAddress());
            assertThat(a.lifetime()).isEqualTo(Duration.ofMinutes(10));
            assertThat(c.stats().staleNonceRetries()).isEqualTo(1);
            StunMessage last = server.requests.get(server.requests.size() - 1);
            assertThat(last.attribute(PasswordAlgorithms.class).orElseThrow().algorithms())
                    .as("offer echoed for downgrade protection")
                    .containsExactly(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "437, dev.peerlink.turn.client.AllocationMismatchException",
            "441, dev.peerlink.turn.client.TurnAuthenticationException",
            "486, dev.peerlink.turn.client.AllocationQuotaReachedException",
            "508, dev.peerlink.turn.client.InsufficientCapacityException",
            "403, dev.peerlink.turn.client.TurnException",
    })
    void errorResponsesBecomeTypedExceptions(int code, Class<? extends TurnException> type) throws Exception {
        try (ScriptedTurnServer server = new ScriptedTurnServer((req, from) ->
                req.attribute(Username.class).isEmpty() ? challenge(req, 401, "n1")
                        : new Reply(req.respond(StunClass.ERROR_RESPONSE).add(ErrorCode.of(code)).build(),
                        MessageProtection.NONE.withIntegritySha256(SHA256_KEY)));
             TurnClient c = client(server)) {
            assertThatThrownBy(c::allocate).isExactlyInstanceOf(type)
                    .extracting(e -> ((TurnException) e).errorCode()).isEqualTo(code);
        }
    }

    @Test
    void anUnsignedTryAlternateToASignedAllocateIsNotFollowed() throws Exception {
        try (ScriptedTurnServer elsewhere = new ScriptedTurnServer((req, from) -> challenge(req, 401, "n1"));
             ScriptedTurnServer server = new ScriptedTurnServer((req, from) ->
                     req.attribute(Username.class).isEmpty() ? challenge(req, 401, "n1")
                             : new Reply(req.respond(StunClass.ERROR_RESPONSE).add(ErrorCode.of(300))
                             .add(new AlternateServer(elsewhere.address())).build(), MessageProtection.NONE));
             TurnClient c = client(server)) {
            assertThatThrownBy(c::allocate).isInstanceOf(TryAlternateException.class)
                    .hasMessageContaining("without MESSAGE-INTEGRITY")
                    .satisfies(e -> assertThat(((TryAlternateException) e).alternate()).isEmpty());
            assertThat(c.server()).isEqualTo(server.address());
            assertThat(elsewhere.requests).isEmpty();
        }
    }

    @Test
    void onASocketOwnedElsewhereATryAlternateIsReportedNotFollowed() throws Exception {
        InetSocketAddress elsewhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        try (ScriptedTurnServer server = new ScriptedTurnServer((req, from) -> new Reply(req.respond(StunClass.ERROR_RESPONSE)
                .add(ErrorCode.of(300)).add(new AlternateServer(elsewhere)).build(), MessageProtection.NONE));
             DatagramChannel socket = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TurnClient c = TurnClient.builder(server.address(), ALICE).retransmission(QUICK).closeTimeout(Duration.ofMillis(200))
                     .socketOwnedBy((datagram, to) -> socket.send(datagram, to), (InetSocketAddress) socket.getLocalAddress())
                     .connect()) {
            Thread.ofVirtual().start(() -> { // the owner's read loop
                ByteBuffer b = ByteBuffer.allocate(2048);
                try {
                    while (true) {
                        b.clear();
                        InetSocketAddress from = (InetSocketAddress) socket.receive(b);
                        c.receive(b.flip(), from);
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });

            assertThatThrownBy(c::allocate).isInstanceOf(TryAlternateException.class)
                    .satisfies(e -> assertThat(((TryAlternateException) e).alternate()).contains(elsewhere));
            assertThat(c.server()).isEqualTo(server.address());
        }
    }

    @Test
    void aResponseWithAForgedIntegrityIsRejected() throws Exception {
        byte[] wrongKey = StunIntegrity.longTermKeySha256("alice", "r", "not-the-password");
        try (ScriptedTurnServer server = new ScriptedTurnServer((req, from) ->
                req.attribute(Username.class).isEmpty() ? challenge(req, 401, "n1")
                        : new Reply(req.respond(StunClass.SUCCESS_RESPONSE).add(new XorRelayedAddress(RELAYED))
                        .add(new XorMappedAddress(from)).add(new Lifetime(600)).build(),
                        MessageProtection.NONE.withIntegritySha256(wrongKey)));
             TurnClient c = client(server)) {
            assertThatThrownBy(c::allocate).isInstanceOf(TurnException.class).hasMessageContaining("integrity");
        }
    }

    @Test
    void noAnswerIsATimeoutAfterTheRetransmissions() throws Exception {
        try (ScriptedTurnServer server = new ScriptedTurnServer((req, from) -> null); TurnClient c = client(server)) {
            assertThatThrownBy(c::allocate).isInstanceOf(TurnTimeoutException.class);
            assertThat(server.requests).hasSize(QUICK.rc());
        }
    }

    @Test
    void sendingWithoutPermissionOrChannelIsAProgrammingError() throws Exception {
        try (ScriptedTurnServer server = new ScriptedTurnServer((req, from) -> null); TurnClient c = client(server)) {
            assertThatThrownBy(() -> c.send(RELAYED, new byte[1])).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> c.createPermission(InetAddress.getLoopbackAddress()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("allocate");
        }
    }
}
