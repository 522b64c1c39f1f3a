package dev.peerlink.stun;

import static dev.peerlink.stun.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.stun.StunDecodeException.Reason;
import dev.peerlink.stun.attribute.MessageIntegritySha256;
import dev.peerlink.stun.attribute.Nonce;
import dev.peerlink.stun.attribute.RawAttribute;
import dev.peerlink.stun.attribute.Realm;
import dev.peerlink.stun.attribute.UserHash;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * RFC 8489 Appendix B.1: request with long-term authentication, USERHASH, PASSWORD-ALGORITHM
 * SHA-256 and MESSAGE-INTEGRITY-SHA256.
 *
 * <p><b>Errata.</b> The vector as published is inconsistent. RFC Errata ID 6268 (against
 * Appendix B.1) says: (1) the header's message length is 0x9c, which is the length of the whole
 * vector (156 bytes) instead of the length without the 20-byte header; (2) the vector derives its
 * key with SHA-256 but carries no PASSWORD-ALGORITHM attribute, which a non-default algorithm
 * requires; (3) so the corrected message adds PASSWORD-ALGORITHM (0x001D, value 0x0002 = SHA-256,
 * no parameters), has length 0x90, and a recomputed MESSAGE-INTEGRITY-SHA256
 * (b5c7bf00…c6518e65). The published MESSAGE-INTEGRITY-SHA256 (e4686c8f…6f735a01) is the
 * HMAC-SHA256, under the SHA-256 long-term key, of the published bytes with the wrong length
 * 0x9c left in the header (see {@link #publishedMacIsAnHmacOverItsOwnWrongLengthField}).
 *
 * <p>What this codec reproduces byte for byte: the USERHASH value, the SHA-256 long-term key
 * (checked through the published MAC), and the whole corrected (errata 6268) message — decode,
 * verify, and encode from fields. What it rejects: the published message as a datagram
 * (its length field overruns it), and the published MAC under correct length accounting.
 */
class Rfc8489AppendixBTest {
    static final String USERNAME = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9"; // マトリックス
    static final String PASSWORD = "The\u00ADM\u00AAtr\u2168"; // "TheMatrIX" once prepared
    static final String REALM = "example.org";
    static final String NONCE = "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA";
    static final TransactionId TID = TransactionId.of(hex("78ad3433c6ad72c029da412e"));
    static final byte[] USERHASH = hex("4a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704");

    /** Appendix B.1 exactly as printed in RFC 8489. */
    static final byte[] PUBLISHED = hex("""
            00 01 00 9c 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
            00 1e 00 20 4a 3c f3 8f ef 69 92 bd a9 52 c6 78 04 17 da 0f 24 81 94 15 56 9e 60 b2 05 c4 6e 41 40 7f 17 04
            00 15 00 29 6f 62 4d 61 74 4a 6f 73 32 41 41 41 43 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33
                        34 6f 4c 39 46 53 54 76 79 36 34 73 41 00 00 00
            00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
            00 1c 00 20 e4 68 6c 8f 0e de b5 90 13 e0 70 90 01 0a 93 ef cc bc cc 54 4c 0a 45 d9 f8 30 aa 6d 6f 73 5a 01""");

    /** Appendix B.1 as corrected by errata 6268. */
    static final byte[] CORRECTED = hex("""
            00 01 00 90 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
            00 1e 00 20 4a 3c f3 8f ef 69 92 bd a9 52 c6 78 04 17 da 0f 24 81 94 15 56 9e 60 b2 05 c4 6e 41 40 7f 17 04
            00 15 00 29 6f 62 4d 61 74 4a 6f 73 32 41 41 41 43 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33
                        34 6f 4c 39 46 53 54 76 79 36 34 73 41 00 00 00
            00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
            00 1d 00 04 00 02 00 00
            00 1c 00 20 b5 c7 bf 00 5b 6c 52 a2 1c 51 c5 e8 92 f8 19 24 13 62 96 cb 92 7c 43 14 93 09 27 8c c6 51 8e 65""");

    static final dev.peerlink.stun.attribute.PasswordAlgorithm PASSWORD_ALGORITHM_SHA256 =
            new dev.peerlink.stun.attribute.PasswordAlgorithm(dev.peerlink.stun.attribute.PasswordAlgorithm.SHA256);

    static byte[] key() {
        return StunIntegrity.longTermKeySha256(USERNAME, REALM, PASSWORD);
    }

    @Test
    void userHashIsSha256OfUsernameColonRealm() {
        assertThat(hex(StunIntegrity.userHash(USERNAME, REALM))).isEqualTo(hex(USERHASH));
        assertThat(Arrays.copyOfRange(PUBLISHED, 24, 56)).isEqualTo(USERHASH);
    }

    @Test
    void passwordPreparationGivesTheMatrIX() {
        assertThat(key()).isEqualTo(StunIntegrity.longTermKeySha256(USERNAME, REALM, "TheMatrIX"));
        assertThat(key()).hasSize(32);
    }

    @Test
    void publishedMacIsAnHmacOverItsOwnWrongLengthField() throws Exception {
        // Everything before MESSAGE-INTEGRITY-SHA256 (120 bytes), header length still 0x9c.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key(), "HmacSHA256"));
        byte[] computed = mac.doFinal(Arrays.copyOf(PUBLISHED, 120));
        assertThat(hex(computed)).isEqualTo(hex(Arrays.copyOfRange(PUBLISHED, 124, 156)));
    }

    @Test
    void publishedVectorIsRejectedBecauseItsLengthFieldOverrunsTheDatagram() {
        assertThat(PUBLISHED).hasSize(0x9c);
        assertThatThrownBy(() -> StunDecoder.standard().decode(PUBLISHED))
                .isInstanceOfSatisfying(StunDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
    }

    @Test
    void publishedVectorWithItsLengthFixedDecodesButItsMacDoesNotVerify() throws Exception {
        byte[] fixed = PUBLISHED.clone();
        fixed[3] = (byte) 0x88; // 156 - 20
        StunMessage m = StunDecoder.standard().decode(fixed);
        assertThat(m.attribute(UserHash.class)).contains(new UserHash(USERHASH));
        // The MAC was taken with length 0x9c in the header, so a correct verifier refuses it.
        assertThat(StunIntegrity.verifySha256(m, key())).isFalse();
    }

    @Test
    void correctedVectorDecodes() throws Exception {
        StunMessage m = StunDecoder.standard().decode(CORRECTED);
        assertThat(m.method()).isEqualTo(StunMethod.BINDING);
        assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
        assertThat(m.transactionId()).isEqualTo(TID);
        assertThat(m.attributes()).containsExactly(
                new UserHash(USERHASH),
                new Nonce(NONCE),
                new Realm(REALM),
                PASSWORD_ALGORITHM_SHA256,
                new MessageIntegritySha256(hex("b5c7bf005b6c52a21c51c5e892f81924136296cb927c43149309278cc6518e65")));
    }

    @Test
    void correctedVectorVerifiesWithTheSha256KeyOnly() throws Exception {
        StunMessage m = StunDecoder.standard().decode(CORRECTED);
        assertThat(StunIntegrity.verifySha256(m, key())).isTrue();
        assertThat(StunIntegrity.verifySha256(m, StunIntegrity.longTermKeyMd5(USERNAME, REALM, PASSWORD))).isFalse();
        assertThat(StunIntegrity.verifySha256(m, StunIntegrity.longTermKeySha256(USERNAME, REALM, "TheMatrix"))).isFalse();
        assertThat(StunIntegrity.verify(m, key())).as("no MESSAGE-INTEGRITY (SHA-1) in it").isFalse();
    }

    @Test
    void correctedVectorEncodesFromFieldsByteForByte() {
        StunMessage m = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST, TID)
                .add(new UserHash(StunIntegrity.userHash(USERNAME, REALM)))
                .add(new Nonce(NONCE))
                .add(new Realm(REALM))
                .add(PASSWORD_ALGORITHM_SHA256)
                .build();
        byte[] encoded = StunEncoder.standard().encode(m, MessageProtection.NONE.withIntegritySha256(key()));
        assertThat(hex(encoded)).isEqualTo(hex(CORRECTED));
    }
}
