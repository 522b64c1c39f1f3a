package dev.peerlink.stun;

import static dev.peerlink.stun.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.stun.StunDecodeException.Reason;
import dev.peerlink.stun.attribute.Fingerprint;
import dev.peerlink.stun.attribute.MessageIntegrity;
import dev.peerlink.stun.attribute.Nonce;
import dev.peerlink.stun.attribute.RawAttribute;
import dev.peerlink.stun.attribute.Realm;
import dev.peerlink.stun.attribute.Software;
import dev.peerlink.stun.attribute.Username;
import dev.peerlink.stun.attribute.XorMappedAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * RFC 5769 ("Test Vectors for STUN", April 2010), section 2, byte for byte. The hex below was
 * transcribed from the RFC's section 2 dumps; every MESSAGE-INTEGRITY and FINGERPRINT in them is
 * recomputed by these tests, which double-checks the transcription of all covered bytes.
 * Sections 2.1–2.3 pad with 0x20 (spaces) on purpose, so re-encoding them needs
 * {@code StunEncoder.withPadding(0x20)}; section 2.4 pads with zeros.
 */
class Rfc5769VectorsTest {
    static final TransactionId TID_1_TO_3 = TransactionId.of(hex("b7e7a701bc34d686fa87dfae"));
    static final String SHORT_TERM_PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

    /** 2.1 Sample Request. */
    static final byte[] SAMPLE_REQUEST = hex("""
            00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
            00 24 00 04 6e 00 01 ff
            80 29 00 08 93 2f f9 b1 51 26 3b 36
            00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
            00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
            80 28 00 04 e5 7a 3b cf""");

    /** 2.2 Sample IPv4 Response. */
    static final byte[] IPV4_RESPONSE = hex("""
            01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 08 00 01 a1 47 e1 12 a6 43
            00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
            80 28 00 04 c0 7d 4c 96""");

    /** 2.3 Sample IPv6 Response. */
    static final byte[] IPV6_RESPONSE = hex("""
            01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
            00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
            80 28 00 04 c8 fb 0b 4c""");

    /** 2.4 Sample Request with Long-Term Authentication (no FINGERPRINT; zero padding). */
    static final byte[] LONG_TERM_REQUEST = hex("""
            00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
            00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
            00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
            00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
            00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66""");

    static final String LT_USERNAME = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9"; // マトリックス
    static final String LT_PASSWORD = "The\u00ADM\u00AAtr\u2168"; // SASLprep: "TheMatrIX"
    static final String LT_REALM = "example.org";
    static final String LT_NONCE = "f//499k954d6OL34oL9FSTvy64sA";

    static final StunEncoder SPACE_PADDED = StunEncoder.withPadding(0x20);
    static final StunDecoder DECODER = StunDecoder.standard();

    static byte[] withByteFlipped(byte[] b, int index) {
        byte[] c = b.clone();
        c[index] ^= 0x01;
        return c;
    }

    @Nested
    class SampleRequest {
        @Test
        void decodesAllFields() throws Exception {
            StunMessage m = DECODER.decode(SAMPLE_REQUEST);
            assertThat(m.method()).isEqualTo(StunMethod.BINDING);
            assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
            assertThat(m.transactionId()).isEqualTo(TID_1_TO_3);
            assertThat(m.attributes()).containsExactly(
                    new Software("STUN test client"),
                    new RawAttribute(0x0024, hex("6e0001ff")),
                    new RawAttribute(0x8029, hex("932ff9b151263b36")),
                    new Username("evtj:h6vY"),
                    new MessageIntegrity(hex("9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2")),
                    new Fingerprint(0xe57a3bcf));
            // PRIORITY is comprehension-required and unknown to the codec; ICE-CONTROLLED is optional.
            assertThat(m.unknownComprehensionRequired(DECODER.registry())).containsExactly(0x0024);
        }

        @Test
        void integrityVerifiesWithThePasswordOnly() throws Exception {
            StunMessage m = DECODER.decode(SAMPLE_REQUEST);
            assertThat(StunIntegrity.verify(m, StunIntegrity.shortTermKey(SHORT_TERM_PASSWORD))).isTrue();
            assertThat(StunIntegrity.verify(m, StunIntegrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBu"))).isFalse();
            assertThat(StunIntegrity.verifySha256(m, StunIntegrity.shortTermKey(SHORT_TERM_PASSWORD))).isFalse();
        }

        @Test
        void fingerprintIsCheckedOnDecode() {
            // A byte of SOFTWARE changed: only FINGERPRINT can notice.
            assertThatThrownBy(() -> DECODER.decode(withByteFlipped(SAMPLE_REQUEST, 30)))
                    .isInstanceOfSatisfying(StunDecodeException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_FINGERPRINT));
        }

        @Test
        void encodesFromFieldsByteForByte() {
            StunMessage m = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST, TID_1_TO_3)
                    .add(new Software("STUN test client"))
                    .add(new RawAttribute(0x0024, hex("6e0001ff")))
                    .add(new RawAttribute(0x8029, hex("932ff9b151263b36")))
                    .add(new Username("evtj:h6vY"))
                    .build();
            MessageProtection p = MessageProtection.NONE
                    .withIntegrity(StunIntegrity.shortTermKey(SHORT_TERM_PASSWORD))
                    .withFingerprint();
            assertThat(hex(SPACE_PADDED.encode(m, p))).isEqualTo(hex(SAMPLE_REQUEST));
        }
    }

    @Nested
    class Ipv4Response {
        @Test
        void decodesAllFields() throws Exception {
            StunMessage m = DECODER.decode(IPV4_RESPONSE);
            assertThat(m.method()).isEqualTo(StunMethod.BINDING);
            assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(m.transactionId()).isEqualTo(TID_1_TO_3);
            assertThat(m.attributes()).containsExactly(
                    new Software("test vector"),
                    new XorMappedAddress(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853)),
                    new MessageIntegrity(hex("2b91f599fd9e90c38c7489f92af9ba53f06be7d7")),
                    new Fingerprint(0xc07d4c96));
        }

        @Test
        void integrityVerifiesWithThePasswordOnly() throws Exception {
            StunMessage m = DECODER.decode(IPV4_RESPONSE);
            assertThat(StunIntegrity.verify(m, StunIntegrity.shortTermKey(SHORT_TERM_PASSWORD))).isTrue();
            assertThat(StunIntegrity.verify(m, StunIntegrity.shortTermKey("wrong"))).isFalse();
        }

        @Test
        void fingerprintIsCheckedOnDecode() {
            assertThatThrownBy(() -> DECODER.decode(withByteFlipped(IPV4_RESPONSE, 25)))
                    .isInstanceOfSatisfying(StunDecodeException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_FINGERPRINT));
        }

        @Test
        void encodesFromFieldsByteForByte() throws Exception {
            StunMessage m = StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, TID_1_TO_3)
                    .add(new Software("test vector"))
                    .add(new XorMappedAddress(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853)))
                    .build();
            MessageProtection p = MessageProtection.NONE
                    .withIntegrity(StunIntegrity.shortTermKey(SHORT_TERM_PASSWORD))
                    .withFingerprint();
            assertThat(hex(SPACE_PADDED.encode(m, p))).isEqualTo(hex(IPV4_RESPONSE));
        }
    }

    @Nested
    class Ipv6Response {
        static final String ADDRESS = "2001:db8:1234:5678:11:2233:4455:6677";

        @Test
        void decodesAllFields() throws Exception {
            StunMessage m = DECODER.decode(IPV6_RESPONSE);
            assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(m.transactionId()).isEqualTo(TID_1_TO_3);
            assertThat(m.attributes()).containsExactly(
                    new Software("test vector"),
                    new XorMappedAddress(new InetSocketAddress(InetAddress.getByName(ADDRESS), 32853)),
                    new MessageIntegrity(hex("a382954e4be67bf11784c97c8292c275bfe3ed41")),
                    new Fingerprint(0xc8fb0b4c));
            assertThat(m.attribute(XorMappedAddress.class).orElseThrow().address().getAddress().getAddress())
                    .hasSize(16);
        }

        @Test
        void integrityVerifiesWithThePasswordOnly() throws Exception {
            StunMessage m = DECODER.decode(IPV6_RESPONSE);
            assertThat(StunIntegrity.verify(m, StunIntegrity.shortTermKey(SHORT_TERM_PASSWORD))).isTrue();
            assertThat(StunIntegrity.verify(m, new byte[20])).isFalse();
        }

        @Test
        void fingerprintIsCheckedOnDecode() {
            // A byte of the XOR-ed IPv6 address.
            assertThatThrownBy(() -> DECODER.decode(withByteFlipped(IPV6_RESPONSE, 50)))
                    .isInstanceOfSatisfying(StunDecodeException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_FINGERPRINT));
        }

        @Test
        void encodesFromFieldsByteForByte() throws Exception {
            StunMessage m = StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, TID_1_TO_3)
                    .add(new Software("test vector"))
                    .add(new XorMappedAddress(new InetSocketAddress(InetAddress.getByName(ADDRESS), 32853)))
                    .build();
            MessageProtection p = MessageProtection.NONE
                    .withIntegrity(StunIntegrity.shortTermKey(SHORT_TERM_PASSWORD))
                    .withFingerprint();
            assertThat(hex(SPACE_PADDED.encode(m, p))).isEqualTo(hex(IPV6_RESPONSE));
        }
    }

    @Nested
    class LongTermRequest {
        static final TransactionId TID = TransactionId.of(hex("78ad3433c6ad72c029da412e"));

        @Test
        void decodesAllFields() throws Exception {
            StunMessage m = DECODER.decode(LONG_TERM_REQUEST);
            assertThat(m.method()).isEqualTo(StunMethod.BINDING);
            assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
            assertThat(m.transactionId()).isEqualTo(TID);
            assertThat(m.attributes()).containsExactly(
                    new Username(LT_USERNAME),
                    new Nonce(LT_NONCE),
                    new Realm(LT_REALM),
                    new MessageIntegrity(hex("f67024656dd64a3e02b8e0712e85c9a28ca89666")));
            assertThat(m.has(AttributeType.FINGERPRINT)).isFalse();
        }

        @Test
        void saslPrepMapsThePasswordToTheMatrIX() {
            // U+00AD maps to nothing, U+00AA and U+2168 are NFKC-folded to "a" and "IX".
            assertThat(StunIntegrity.longTermKeyMd5(LT_USERNAME, LT_REALM, LT_PASSWORD))
                    .isEqualTo(StunIntegrity.longTermKeyMd5(LT_USERNAME, LT_REALM, "TheMatrIX"));
        }

        @Test
        void integrityVerifiesWithTheLongTermKeyOnly() throws Exception {
            StunMessage m = DECODER.decode(LONG_TERM_REQUEST);
            assertThat(StunIntegrity.verify(m, StunIntegrity.longTermKeyMd5(LT_USERNAME, LT_REALM, LT_PASSWORD))).isTrue();
            // Without SASLprep the soft hyphen and the compatibility characters would stay in.
            byte[] unprepared = dev.peerlink.stun.internal.Crypto.digest("MD5",
                    (LT_USERNAME + ":" + LT_REALM + ":" + LT_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(StunIntegrity.verify(m, unprepared)).isFalse();
            assertThat(StunIntegrity.verify(m, StunIntegrity.longTermKeyMd5(LT_USERNAME, LT_REALM, "TheMatrix"))).isFalse();
            assertThat(StunIntegrity.verify(m, StunIntegrity.longTermKeySha256(LT_USERNAME, LT_REALM, LT_PASSWORD))).isFalse();
            assertThat(StunIntegrity.verify(m, StunIntegrity.shortTermKey(LT_PASSWORD))).isFalse();
        }

        @Test
        void tamperingIsCaughtByIntegrityNotFingerprint() throws Exception {
            // No FINGERPRINT here: a changed NONCE byte still decodes, but integrity fails.
            StunMessage m = DECODER.decode(withByteFlipped(LONG_TERM_REQUEST, 50));
            assertThat(StunIntegrity.verify(m, StunIntegrity.longTermKeyMd5(LT_USERNAME, LT_REALM, LT_PASSWORD))).isFalse();
        }

        @Test
        void encodesFromFieldsByteForByte() {
            StunMessage m = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST, TID)
                    .add(new Username(LT_USERNAME))
                    .add(new Nonce(LT_NONCE))
                    .add(new Realm(LT_REALM))
                    .build();
            MessageProtection p = MessageProtection.NONE
                    .withIntegrity(StunIntegrity.longTermKeyMd5(LT_USERNAME, LT_REALM, LT_PASSWORD));
            assertThat(hex(StunEncoder.standard().encode(m, p))).isEqualTo(hex(LONG_TERM_REQUEST));
        }
    }

    @Test
    void allFourVectorsHaveTheLengthsTheirHeadersClaim() {
        for (byte[] v : List.of(SAMPLE_REQUEST, IPV4_RESPONSE, IPV6_RESPONSE, LONG_TERM_REQUEST)) {
            assertThat(v.length).isEqualTo(20 + (((v[2] & 0xFF) << 8) | (v[3] & 0xFF)));
        }
    }
}
