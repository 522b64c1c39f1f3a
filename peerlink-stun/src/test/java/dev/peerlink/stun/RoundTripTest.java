package dev.peerlink.stun;

import static dev.peerlink.stun.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.stun.StunDecodeException.Reason;
import dev.peerlink.stun.attribute.Fingerprint;
import dev.peerlink.stun.attribute.MappedAddress;
import dev.peerlink.stun.attribute.MessageIntegrity;
import dev.peerlink.stun.attribute.MessageIntegritySha256;
import dev.peerlink.stun.attribute.RawAttribute;
import dev.peerlink.stun.attribute.Software;
import dev.peerlink.stun.attribute.XorMappedAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RoundTripTest {
    static final StunDecoder DECODER = StunDecoder.standard();
    static final StunEncoder ENCODER = StunEncoder.standard();
    static final TransactionId TID = SampleMessages.TID;

    static Stream<StunAttribute> everyAttribute() {
        return SampleMessages.everyAttribute().stream();
    }

    static StunMessage roundTrip(StunMessage m, MessageProtection p) throws StunDecodeException {
        return DECODER.decode(ENCODER.encode(m, p));
    }

    @ParameterizedTest
    @MethodSource("everyAttribute")
    void everyAttributeRoundTrips(StunAttribute a) throws Exception {
        StunMessage m = StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, TID).add(a).build();
        byte[] wire = ENCODER.encode(m);
        assertThat(wire.length % 4).isZero();
        assertThat(DECODER.decode(wire).attributes()).containsExactly(a);
    }

    @Test
    void allAttributesTogetherRoundTripInOrder() throws Exception {
        StunMessage.Builder b = StunMessage.builder(StunMethod.ALLOCATE, StunClass.ERROR_RESPONSE, TID);
        List<StunAttribute> all = SampleMessages.everyAttribute();
        assertThat(all.size()).isLessThanOrEqualTo(StunDecoder.MAX_ATTRIBUTES);
        all.forEach(b::add);
        assertThat(roundTrip(b.build(), MessageProtection.NONE).attributes()).isEqualTo(all);
    }

    static Stream<InetSocketAddress> addresses() {
        return Stream.of(SampleMessages.V4, SampleMessages.V6,
                SampleMessages.addr("2001:db8:1234:5678:11:2233:4455:6677", 32853),
                SampleMessages.addr("::ffff:0:1", 9)); // not IPv4-mapped (that is ::ffff:a.b.c.d)
    }

    @ParameterizedTest
    @MethodSource("addresses")
    void xorMappedAddressIsXoredWithCookieAndTransactionId(InetSocketAddress address) throws Exception {
        byte[] wire = ENCODER.encode(StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, TID)
                .add(new XorMappedAddress(address)).build());
        byte[] ip = address.getAddress().getAddress();
        byte[] pad = TestBytes.concat(hex("2112a442"), TID.toByteArray());
        assertThat(wire[25]).isEqualTo((byte) (ip.length == 4 ? 1 : 2));
        assertThat(((wire[26] & 0xFF) << 8 | (wire[27] & 0xFF))).isEqualTo(address.getPort() ^ 0x2112);
        for (int i = 0; i < ip.length; i++) {
            assertThat(wire[28 + i]).as("address byte %d", i).isEqualTo((byte) (ip[i] ^ pad[i]));
        }
        assertThat(DECODER.decode(wire).attribute(XorMappedAddress.class).orElseThrow().address()).isEqualTo(address);
    }

    @ParameterizedTest
    @MethodSource("addresses")
    void mappedAddressIsInTheClear(InetSocketAddress address) {
        byte[] wire = ENCODER.encode(StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, TID)
                .add(new MappedAddress(address)).build());
        byte[] ip = address.getAddress().getAddress();
        assertThat(((wire[26] & 0xFF) << 8 | (wire[27] & 0xFF))).isEqualTo(address.getPort());
        assertThat(Arrays.copyOfRange(wire, 28, 28 + ip.length)).isEqualTo(ip);
    }

    @Test
    void xorAddressDecodesOnlyWithItsOwnTransactionId() throws Exception {
        byte[] wire = ENCODER.encode(StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, TID)
                .add(new XorMappedAddress(SampleMessages.V6)).build());
        wire[19] ^= 1; // last transaction ID byte, which XORs the last IPv6 byte
        InetSocketAddress decoded = DECODER.decode(wire).attribute(XorMappedAddress.class).orElseThrow().address();
        assertThat(decoded.getPort()).isEqualTo(SampleMessages.V6.getPort());
        assertThat(decoded).isNotEqualTo(SampleMessages.V6);
    }

    @Test
    void messageTypePackingMatchesRfc8489Figure3() {
        assertThat(StunMethod.BINDING.messageType(StunClass.REQUEST)).isEqualTo(0x0001);
        assertThat(StunMethod.BINDING.messageType(StunClass.INDICATION)).isEqualTo(0x0011);
        assertThat(StunMethod.BINDING.messageType(StunClass.SUCCESS_RESPONSE)).isEqualTo(0x0101);
        assertThat(StunMethod.BINDING.messageType(StunClass.ERROR_RESPONSE)).isEqualTo(0x0111);
        assertThat(StunMethod.ALLOCATE.messageType(StunClass.SUCCESS_RESPONSE)).isEqualTo(0x0103);
        assertThat(StunMethod.SEND.messageType(StunClass.INDICATION)).isEqualTo(0x0016);
        assertThat(StunMethod.DATA.messageType(StunClass.INDICATION)).isEqualTo(0x0017);
        assertThat(StunMethod.CHANNEL_BIND.messageType(StunClass.ERROR_RESPONSE)).isEqualTo(0x0119);
        assertThat(new StunMethod(0xFFF).messageType(StunClass.ERROR_RESPONSE)).isEqualTo(0x3FFF);
        assertThat(new StunMethod(0x010).messageType(StunClass.REQUEST)).isEqualTo(0x0020); // M4 -> bit 5
        assertThat(new StunMethod(0x080).messageType(StunClass.REQUEST)).isEqualTo(0x0200); // M7 -> bit 9
    }

    @Test
    void everyMethodAndClassPacksAndUnpacks() {
        boolean[] seen = new boolean[1 << 14];
        for (int m = 0; m <= 0xFFF; m++) {
            for (StunClass c : StunClass.values()) {
                int type = StunMethod.of(m).messageType(c);
                assertThat(type).isBetween(0, 0x3FFF);
                assertThat(seen[type]).as("type 0x%04x produced twice", type).isFalse();
                seen[type] = true;
                assertThat(StunMethod.fromMessageType(type).code()).isEqualTo(m);
                assertThat(StunMethod.classFromMessageType(type)).isEqualTo(c);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x001, 0x003, 0x004, 0x006, 0x007, 0x008, 0x009, 0x000, 0x0AB, 0x7FF, 0xFFF})
    void methodAndClassSurviveTheWire(int method) throws Exception {
        for (StunClass c : StunClass.values()) {
            StunMessage back = roundTrip(StunMessage.builder(StunMethod.of(method), c, TID).build(), MessageProtection.NONE);
            assertThat(back.method().code()).isEqualTo(method);
            assertThat(back.messageClass()).isEqualTo(c);
            assertThat(back.transactionId()).isEqualTo(TID);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 20, 24, 28, 32})
    void messageIntegritySha256Truncations(int length) throws Exception {
        byte[] key = StunIntegrity.longTermKeySha256("u", "r", "p");
        StunMessage m = roundTrip(StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST, TID).add(new Software("x")).build(),
                MessageProtection.NONE.withIntegritySha256(key, length));
        assertThat(m.attribute(MessageIntegritySha256.class).orElseThrow().value()).hasSize(length);
        assertThat(StunIntegrity.verifySha256(m, key)).isTrue();
        assertThat(StunIntegrity.verifySha256(m, StunIntegrity.longTermKeySha256("u", "r", "q"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 12, 15, 17, 30, 36})
    void invalidSha256TruncationsAreRefused(int length) {
        assertThatThrownBy(() -> MessageProtection.NONE.withIntegritySha256(new byte[32], length))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bothIntegritiesAndFingerprintTogether() throws Exception {
        byte[] k1 = StunIntegrity.shortTermKey("one");
        byte[] k2 = StunIntegrity.shortTermKey("two");
        MessageProtection p = MessageProtection.NONE.withIntegrity(k1).withIntegritySha256(k2, 24).withFingerprint();
        byte[] wire = ENCODER.encode(StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST, TID)
                .add(new Software("both")).build(), p);
        StunMessage m = DECODER.decode(wire);
        assertThat(m.attributes()).extracting(StunAttribute::type).containsExactly(AttributeType.SOFTWARE,
                AttributeType.MESSAGE_INTEGRITY, AttributeType.MESSAGE_INTEGRITY_SHA256, AttributeType.FINGERPRINT);
        assertThat(StunIntegrity.verify(m, k1)).isTrue();
        assertThat(StunIntegrity.verifySha256(m, k2)).isTrue();
        assertThat(StunIntegrity.verify(m, k2)).isFalse();
        assertThat(StunIntegrity.verifySha256(m, k1)).isFalse();
        // Tampering with the SHA-1 MAC breaks MESSAGE-INTEGRITY-SHA256 (which covers it) and FINGERPRINT.
        byte[] tampered = wire.clone();
        tampered[32] ^= 1;
        assertThatThrownBy(() -> DECODER.decode(tampered)).isInstanceOfSatisfying(StunDecodeException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BAD_FINGERPRINT));
        // Without its FINGERPRINT the tampered message decodes, and both MACs reject it.
        StunMessage noFp = DECODER.decode(fixLength(Arrays.copyOf(tampered, tampered.length - 8)));
        assertThat(StunIntegrity.verify(noFp, k1)).isFalse();
        assertThat(StunIntegrity.verifySha256(noFp, k2)).isFalse();
    }

    private static byte[] fixLength(byte[] b) {
        b[2] = (byte) ((b.length - 20) >>> 8);
        b[3] = (byte) (b.length - 20);
        return b;
    }

    @Test
    void reEncodingADecodedMessageRecomputesItsProtection() throws Exception {
        byte[] key = StunIntegrity.shortTermKey(Rfc5769VectorsTest.SHORT_TERM_PASSWORD);
        StunMessage decoded = DECODER.decode(Rfc5769VectorsTest.SAMPLE_REQUEST);
        // Same protection and padding: the exact original bytes, no second MESSAGE-INTEGRITY.
        byte[] again = StunEncoder.withPadding(0x20).encode(decoded, MessageProtection.NONE.withIntegrity(key).withFingerprint());
        assertThat(hex(again)).isEqualTo(hex(Rfc5769VectorsTest.SAMPLE_REQUEST));
        // No protection: the stale MAC and CRC are dropped, not copied.
        StunMessage bare = DECODER.decode(ENCODER.encode(decoded));
        assertThat(bare.attributes()).noneMatch(a -> a instanceof MessageIntegrity || a instanceof Fingerprint);
        assertThat(bare.attributes()).hasSize(4);
    }

    @Test
    void builderRefusesComputedAttributes() {
        StunMessage.Builder b = StunMessage.request(StunMethod.BINDING);
        assertThatThrownBy(() -> b.add(new Fingerprint(0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add(new MessageIntegrity(new byte[20]))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add(new MessageIntegritySha256(new byte[32]))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encoderRefusesMessagesThatWouldOverflowTheLengthField() {
        // 65528 bytes of attributes fit; MESSAGE-INTEGRITY (24 more) would not.
        StunMessage big = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST, TID)
                .add(new RawAttribute(0x8100, new byte[0xFFFF - 4 - 3])).build();
        assertThat(ENCODER.encode(big)).hasSize(20 + 0xFFFC);
        assertThatThrownBy(() -> ENCODER.encode(big, MessageProtection.NONE.withIntegrity(new byte[1])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ENCODER.encode(big, MessageProtection.FINGERPRINT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void byteBufferAndOffsetDecodingSeeTheSameMessage() throws Exception {
        byte[] v = Rfc5769VectorsTest.IPV4_RESPONSE;
        byte[] padded = TestBytes.concat(new byte[7], v, new byte[5]);
        List<StunAttribute> expected = DECODER.decode(v).attributes();
        assertThat(DECODER.decode(padded, 7, v.length).attributes()).isEqualTo(expected);
        assertThat(DECODER.decode(ByteBuffer.wrap(padded, 7, v.length)).attributes()).isEqualTo(expected);
        ByteBuffer direct = ByteBuffer.allocateDirect(v.length).put(v).flip();
        assertThat(DECODER.decode(direct).attributes()).isEqualTo(expected);
        assertThat(direct.remaining()).isEqualTo(v.length);
    }

    @Test
    void transactionIdFromAShortArrayIsRefused() {
        assertThatThrownBy(() -> TransactionId.of(new byte[15], 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransactionId.of(new byte[12], -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(TransactionId.of(new byte[16], 4)).isEqualTo(TransactionId.of(new byte[12]));
    }
}
