package dev.peerlink.turn.server;


import static dev.peerlink.turn.server.TestServers.PASSWORD;
import static dev.peerlink.turn.server.TestServers.REALM;
import static dev.peerlink.turn.server.TestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunIntegrity;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.Nonce;
import dev.peerlink.stun.attribute.PasswordAlgorithm;
import dev.peerlink.stun.attribute.PasswordAlgorithms;
import dev.peerlink.stun.attribute.Realm;
import dev.peerlink.stun.attribute.UserHash;
import dev.peerlink.stun.attribute.Username;
import dev.peerlink.turn.attribute.RequestedTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Long-term credentials (RFC 8489 §9.2), nonce cookie and bid-down protection, REST credentials. */
class AuthTest {

    private static StunMessage.Builder allocate() {
        return StunMessage.request(StunMethod.ALLOCATE).add(new RequestedTransport(RequestedTransport.UDP));
    }

    private static StunMessage challenge(TurnTestClient c) throws IOException {
        StunMessage r = c.exchange(allocate().build(), MessageProtection.NONE);
        c.learn(r);
        return r;
    }

    @Test
    void unauthenticatedRequestGets401WithChallengeThenMd5Succeeds() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            StunMessage r = challenge(c);
            assertThat(TurnTestClient.errorCode(r)).isEqualTo(401);
            assertThat(r.attribute(Realm.class).orElseThrow().value()).isEqualTo(REALM);
            // RFC 8489 nonce cookie with the password-algorithms bit, and the offer: SHA-256 preferred, MD5 kept.
            assertThat(r.attribute(Nonce.class).orElseThrow().value()).startsWith("obMatJos2gAAB");
            assertThat(r.attribute(PasswordAlgorithms.class).orElseThrow().algorithms())
                    .containsExactly(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5);
            assertThat(r.has(AttributeType.MESSAGE_INTEGRITY)).as("401 is not protected").isFalse();

            StunMessage ok = c.request(allocate(), b -> { });
            assertThat(ok.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(StunIntegrity.verify(ok, c.key())).isTrue();
            assertThat(ok.has(AttributeType.MESSAGE_INTEGRITY_SHA256)).as("answered in kind").isFalse();
        }
    }

    @Test
    void sha256KeyAndMessageIntegritySha256() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD).sha256(true)) {
            challenge(c);
            StunMessage ok = c.request(allocate(), b -> { });
            assertThat(ok.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(StunIntegrity.verifySha256(ok, StunIntegrity.longTermKeySha256(USER, REALM, PASSWORD))).isTrue();
            assertThat(ok.has(AttributeType.MESSAGE_INTEGRITY)).isFalse();
        }
    }

    @Test
    void wrongPasswordUnknownUserAndWrongRealmAre401() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress())) {
            challenge(c);
            c.credentials(USER, "not the password");
            assertThat(TurnTestClient.errorCode(c.request(allocate(), b -> { }))).isEqualTo(401);
            c.credentials("mallory", PASSWORD);
            assertThat(TurnTestClient.errorCode(c.request(allocate(), b -> { }))).isEqualTo(401);
            c.credentials(USER, PASSWORD);
            c.realm = "other.realm";
            assertThat(TurnTestClient.errorCode(c.request(allocate(), b -> { }))).isEqualTo(401);
            assertThat(server.stats().refusals(Refusal.UNAUTHENTICATED)).isEqualTo(4);
            assertThat(server.stats().allocationsActive()).isZero();
        }
    }

    @Test
    void integrityWithoutNonceIs400() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress())) {
            challenge(c);
            StunMessage req = allocate().add(new Username(USER)).add(new Realm(REALM)).build();
            byte[] key = StunIntegrity.longTermKeyMd5(USER, REALM, PASSWORD);
            assertThat(TurnTestClient.errorCode(c.exchange(req, MessageProtection.NONE.withIntegrity(key)))).isEqualTo(400);
        }
    }

    @Test
    void expiredNonceIs438WithAFreshOne() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.nonceLifetime(Duration.ofMillis(300)));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            c.allocate();
            String old = c.nonce;
            await().atMost(Duration.ofSeconds(5)).until(() -> TurnTestClient.errorCode(c.request(StunMethod.REFRESH, b -> { })) == 438);
            StunMessage stale = c.lastResponse;
            assertThat(stale.attribute(Nonce.class).orElseThrow().value()).isNotEqualTo(old).startsWith("obMatJos2");
            assertThat(stale.attribute(Realm.class)).isPresent();
            c.learn(stale);
            assertThat(c.request(StunMethod.REFRESH, b -> { }).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(server.stats().refusals(Refusal.STALE_NONCE)).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void forgedOrForeignNonceIs438() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient other = TurnTestClient.udpFrom(InetAddress.getByName("127.0.0.2"), server.udpAddress())
                     .credentials(USER, PASSWORD)) {
            challenge(c);
            String good = c.nonce;
            c.nonce = good.substring(0, good.length() - 2) + (good.endsWith("AA") ? "BB" : "AA");
            assertThat(TurnTestClient.errorCode(c.request(allocate(), b -> { }))).as("tampered").isEqualTo(438);
            c.nonce = "plainnonce";
            assertThat(TurnTestClient.errorCode(c.request(allocate(), b -> { }))).as("no cookie").isEqualTo(438);
            // A nonce is bound to the address it was issued to.
            other.realm = REALM;
            other.nonce = good;
            assertThat(TurnTestClient.errorCode(other.request(allocate(), b -> { }))).as("other client IP").isEqualTo(438);
        }
    }

    @Test
    void bidDownIsRefused() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress())) {
            challenge(c);
            byte[] md5 = StunIntegrity.longTermKeyMd5(USER, REALM, PASSWORD);
            // An attacker stripped SHA-256 from the offer the client saw; the client echoes the stripped list.
            StunMessage stripped = allocate().add(new Username(USER)).add(new Realm(REALM)).add(new Nonce(c.nonce))
                    .add(new PasswordAlgorithms(List.of(PasswordAlgorithm.MD5))).add(new PasswordAlgorithm(PasswordAlgorithm.MD5))
                    .build();
            assertThat(TurnTestClient.errorCode(c.exchange(stripped, MessageProtection.NONE.withIntegrity(md5)))).isEqualTo(400);
            StunMessage choiceOnly = allocate().add(new Username(USER)).add(new Realm(REALM)).add(new Nonce(c.nonce))
                    .add(new PasswordAlgorithm(PasswordAlgorithm.MD5)).build();
            assertThat(TurnTestClient.errorCode(c.exchange(choiceOnly, MessageProtection.NONE.withIntegrity(md5)))).isEqualTo(400);
            assertThat(server.stats().allocationsActive()).isZero();
        }
    }

    @Test
    void sha256KeyUsedWithMd5ChoiceFails() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress())) {
            challenge(c);
            byte[] sha = StunIntegrity.longTermKeySha256(USER, REALM, PASSWORD);
            StunMessage req = allocate().add(new Username(USER)).add(new Realm(REALM)).add(new Nonce(c.nonce))
                    .add(new PasswordAlgorithms(List.of(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5)))
                    .add(new PasswordAlgorithm(PasswordAlgorithm.MD5)).build();
            assertThat(TurnTestClient.errorCode(c.exchange(req, MessageProtection.NONE.withIntegritySha256(sha)))).isEqualTo(401);
        }
    }

    @Test
    void userHashInsteadOfUsername() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress())) {
            challenge(c);
            byte[] key = StunIntegrity.longTermKeySha256(USER, REALM, PASSWORD);
            StunMessage req = allocate().add(new UserHash(StunIntegrity.userHash(USER, REALM))).add(new Realm(REALM))
                    .add(new Nonce(c.nonce)).add(new PasswordAlgorithms(List.of(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5)))
                    .add(new PasswordAlgorithm(PasswordAlgorithm.SHA256)).build();
            StunMessage ok = c.exchange(req, MessageProtection.NONE.withIntegritySha256(key));
            assertThat(ok.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        }
    }

    @Test
    void restCredentialsFromTheSharedSecret() throws IOException {
        String secret = "north-wind";
        try (TurnServer server = TestServers.start(b -> b.secret(secret).maxAllocationsPerUser(1));
             TurnTestClient fresh = TurnTestClient.udp(server.udpAddress());
             TurnTestClient second = TurnTestClient.udp(server.udpAddress());
             TurnTestClient expired = TurnTestClient.udp(server.udpAddress());
             TurnTestClient forged = TurnTestClient.udp(server.udpAddress())) {
            TurnCredentials creds = TurnCredentials.mint(secret, "carol", Duration.ofMinutes(10));
            assertThat(creds.username()).endsWith(":carol");
            fresh.credentials(creds.username(), creds.password()).allocate();

            // The quota counts carol, not each minted name.
            TurnCredentials again = TurnCredentials.mint(secret, "carol", Duration.ofMinutes(20));
            StunMessage r = second.credentials(again.username(), again.password())
                    .authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.UDP)));
            assertThat(TurnTestClient.errorCode(r)).isEqualTo(486);

            TurnCredentials old = TurnCredentials.mint(secret, "dave", Duration.ofSeconds(-5));
            r = expired.credentials(old.username(), old.password())
                    .authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.UDP)));
            assertThat(TurnTestClient.errorCode(r)).isEqualTo(401);

            TurnCredentials wrongSecret = TurnCredentials.mint("guess", "eve", Duration.ofMinutes(10));
            r = forged.credentials(wrongSecret.username(), wrongSecret.password())
                    .authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.UDP)));
            assertThat(TurnTestClient.errorCode(r)).isEqualTo(401);
        }
    }

    @Test
    void restPasswordMatchesCoturnsScheme() {
        // echo -n "1700000000:alice" | openssl dgst -sha1 -hmac "s3cret" -binary | base64
        assertThat(TurnCredentials.restPassword("s3cret", "1700000000:alice")).isEqualTo(RestVector.EXPECTED);
        assertThat(TurnCredentials.expiryOf("1700000000:alice")).contains(java.time.Instant.ofEpochSecond(1_700_000_000L));
        assertThat(TurnCredentials.expiryOf("alice")).isEmpty();
        assertThat(TurnCredentials.userOf("1700000000:alice")).isEqualTo("alice");
    }

    private static final class RestVector {
        static final String EXPECTED = "TtElzSjT0GdnTQ9xdcRNxx96yQs=";
    }
}
