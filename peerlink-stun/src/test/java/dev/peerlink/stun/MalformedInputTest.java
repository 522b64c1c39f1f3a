package dev.peerlink.stun;

import static dev.peerlink.stun.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.stun.StunDecodeException.Reason;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.attribute.Software;
import dev.peerlink.stun.attribute.Username;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One or more tests per {@link Reason}, and a table with one example of every reason. */
class MalformedInputTest {
    private static final StunDecoder DECODER = StunDecoder.standard();
    private static final byte[] VALID = Rfc5769VectorsTest.SAMPLE_REQUEST;

    static void rejects(byte[] input, Reason reason) {
        assertThatThrownBy(() -> DECODER.decode(input))
                .isInstanceOfSatisfying(StunDecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    static void rejectsValue(int type, byte[] value) {
        rejects(WireBuilder.request().attr(type, value).build(), Reason.BAD_ATTRIBUTE_VALUE);
    }

    @Test
    void everyReasonHasAnInputThatProducesIt() {
        Map<Reason, byte[]> examples = new EnumMap<>(Reason.class);
        examples.put(Reason.TRUNCATED, Arrays.copyOf(VALID, 19));
        examples.put(Reason.NOT_STUN, WireBuilder.request().type(0x8001).build());
        examples.put(Reason.BAD_MAGIC_COOKIE, WireBuilder.request().cookie(0).build());
        examples.put(Reason.BAD_LENGTH, TestBytes.concat(VALID, new byte[4]));
        examples.put(Reason.ATTRIBUTE_OVERRUN, WireBuilder.request().attr(0x8100, 8, new byte[4], 0).build());
        examples.put(Reason.BAD_PADDING, WireBuilder.request().attr(0x8100, 1, new byte[1], 0).build());
        examples.put(Reason.BAD_ATTRIBUTE_VALUE, WireBuilder.request().attr(AttributeType.USERHASH, new byte[4]).build());
        examples.put(Reason.BAD_FINGERPRINT, WireBuilder.request().attr(AttributeType.FINGERPRINT, new byte[4]).build());
        examples.put(Reason.ATTRIBUTE_AFTER_INTEGRITY, WireBuilder.request()
                .attr(AttributeType.MESSAGE_INTEGRITY, new byte[20]).attr(0x8100, new byte[0]).build());
        examples.put(Reason.ATTRIBUTE_AFTER_FINGERPRINT, WireBuilder.request()
                .attr(AttributeType.FINGERPRINT, new byte[4]).attr(0x8100, new byte[0]).build());
        WireBuilder many = WireBuilder.request();
        for (int i = 0; i <= StunDecoder.MAX_ATTRIBUTES; i++) {
            many.attr(0x8100 + i, new byte[0]);
        }
        examples.put(Reason.TOO_MANY_ATTRIBUTES, many.build());
        examples.put(Reason.TOO_LARGE, new byte[StunDecoder.MAX_MESSAGE_LENGTH + 1]);
        // Only the RFC 3489-tolerant decoder gets this far without a cookie: an Allocate cannot be classic.
        examples.put(Reason.NOT_CLASSIC, WireBuilder.request().type(0x0003).cookie(0).build());
        assertThat(examples.keySet()).containsExactlyInAnyOrder(Reason.values());
        StunDecoder tolerant = StunDecoder.classicTolerant(AttributeRegistry.standard());
        examples.forEach((reason, input) -> {
            if (reason != Reason.NOT_CLASSIC) {
                rejects(input, reason);
            }
            if (reason != Reason.BAD_MAGIC_COOKIE) {
                // Every other reason is the same through the tolerant decoder.
                assertThatThrownBy(() -> tolerant.decode(input)).isInstanceOfSatisfying(StunDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
            }
        });
    }

    // --- TRUNCATED ---

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 19})
    void truncatedInsideTheHeader(int keep) {
        rejects(Arrays.copyOf(VALID, keep), Reason.TRUNCATED);
    }

    @ParameterizedTest
    @ValueSource(ints = {21, 22, 23, 24})
    void truncatedInsideTheFirstAttributeHeader(int keep) {
        rejects(Arrays.copyOf(VALID, keep), Reason.TRUNCATED);
    }

    @ParameterizedTest
    @ValueSource(ints = {25, 30, 43, VALID_LENGTH_MINUS_1})
    void truncatedInsideAnAttributeValue(int keep) {
        rejects(Arrays.copyOf(VALID, keep), Reason.TRUNCATED);
    }

    static final int VALID_LENGTH_MINUS_1 = 107;

    @Test
    void rangeOutsideTheBufferIsTruncated() {
        assertThatThrownBy(() -> DECODER.decode(VALID, 10, VALID.length))
                .isInstanceOfSatisfying(StunDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
        assertThatThrownBy(() -> DECODER.decode(VALID, -1, 20))
                .isInstanceOfSatisfying(StunDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
    }

    @Test
    void lengthFieldLongerThanTheDatagramIsTruncated() {
        rejects(WireBuilder.request().attr(AttributeType.SOFTWARE, new byte[4]).length(12).build(), Reason.TRUNCATED);
    }

    // --- NOT_STUN, BAD_MAGIC_COOKIE ---

    @ParameterizedTest
    @ValueSource(ints = {0x80, 0x40, 0xC0})
    void topBitsOfTheTypeSet(int topBits) {
        byte[] b = VALID.clone();
        b[0] |= (byte) topBits;
        rejects(b, Reason.NOT_STUN);
    }

    @Test
    void wrongMagicCookie() {
        rejects(WireBuilder.request().cookie(0x2112A443).build(), Reason.BAD_MAGIC_COOKIE);
        rejects(WireBuilder.request().cookie(0).build(), Reason.BAD_MAGIC_COOKIE);
    }

    // --- BAD_LENGTH ---

    @Test
    void lengthNotAMultipleOf4() {
        // 6 body bytes, length 6: an empty attribute then 2 stray bytes, no attribute explains it.
        rejects(WireBuilder.request().attr(AttributeType.SOFTWARE, new byte[0]).raw(new byte[2]).build(), Reason.BAD_LENGTH);
        // Length 2 on a 20-byte datagram.
        rejects(WireBuilder.request().length(2).build(), Reason.BAD_LENGTH);
    }

    @Test
    void datagramLongerThanTheLengthField() {
        rejects(TestBytes.concat(VALID, new byte[4]), Reason.BAD_LENGTH);
        rejects(WireBuilder.request().attr(AttributeType.SOFTWARE, new byte[4]).length(0).build(), Reason.BAD_LENGTH);
    }

    // --- ATTRIBUTE_OVERRUN ---

    @Test
    void attributeLengthOverrunsTheMessage() {
        rejects(WireBuilder.request().attr(AttributeType.SOFTWARE, 8, new byte[4], 0).build(), Reason.ATTRIBUTE_OVERRUN);
        // The last of several attributes overruns by one byte.
        rejects(WireBuilder.request()
                .attr(AttributeType.USERNAME, "user".getBytes(StandardCharsets.US_ASCII))
                .attr(AttributeType.SOFTWARE, 5, new byte[4], 0).build(), Reason.ATTRIBUTE_OVERRUN);
        rejects(WireBuilder.request().attr(0x8000, 0xFFFF, new byte[0], 0).build(), Reason.ATTRIBUTE_OVERRUN);
    }

    // --- BAD_PADDING ---

    @Test
    void lastValueNotFollowedByItsPadding() {
        // USERNAME of 5 bytes at the very end, unpadded: length field 9 (RFC 3489-style sender).
        rejects(WireBuilder.request().attr(AttributeType.USERNAME, 5, "abcde".getBytes(StandardCharsets.US_ASCII), 0).build(),
                Reason.BAD_PADDING);
        rejects(WireBuilder.request()
                .attr(AttributeType.SOFTWARE, "soft".getBytes(StandardCharsets.US_ASCII))
                .attr(AttributeType.USERNAME, 7, "abcdefg".getBytes(StandardCharsets.US_ASCII), 0).build(),
                Reason.BAD_PADDING);
    }

    @Test
    void nonZeroPaddingBytesAreIgnored() throws Exception {
        byte[] b = WireBuilder.request().attr(AttributeType.USERNAME, 5, "abcde".getBytes(StandardCharsets.US_ASCII), 0)
                .raw(hex("ffffff")).build();
        assertThat(DECODER.decode(b).attributes()).containsExactly(new Username("abcde"));
    }

    // --- BAD_FINGERPRINT ---

    @Test
    void wrongFingerprint() {
        byte[] b = VALID.clone();
        b[b.length - 1] ^= 1;
        rejects(b, Reason.BAD_FINGERPRINT);
        rejects(WireBuilder.request().attr(AttributeType.FINGERPRINT, hex("00000000")).build(), Reason.BAD_FINGERPRINT);
    }

    // --- ATTRIBUTE_AFTER_INTEGRITY / ATTRIBUTE_AFTER_FINGERPRINT ---

    @Test
    void attributeAfterMessageIntegrity() {
        rejects(WireBuilder.request()
                .attr(AttributeType.MESSAGE_INTEGRITY, new byte[20])
                .attr(AttributeType.SOFTWARE, new byte[4]).build(), Reason.ATTRIBUTE_AFTER_INTEGRITY);
    }

    @Test
    void attributeAfterMessageIntegritySha256() {
        rejects(WireBuilder.request()
                .attr(AttributeType.MESSAGE_INTEGRITY_SHA256, new byte[32])
                .attr(AttributeType.USERNAME, new byte[4]).build(), Reason.ATTRIBUTE_AFTER_INTEGRITY);
    }

    @Test
    void messageIntegrityAfterSha256OrRepeated() {
        rejects(WireBuilder.request()
                .attr(AttributeType.MESSAGE_INTEGRITY_SHA256, new byte[32])
                .attr(AttributeType.MESSAGE_INTEGRITY, new byte[20]).build(), Reason.ATTRIBUTE_AFTER_INTEGRITY);
        rejects(WireBuilder.request()
                .attr(AttributeType.MESSAGE_INTEGRITY, new byte[20])
                .attr(AttributeType.MESSAGE_INTEGRITY, new byte[20]).build(), Reason.ATTRIBUTE_AFTER_INTEGRITY);
        rejects(WireBuilder.request()
                .attr(AttributeType.MESSAGE_INTEGRITY_SHA256, new byte[32])
                .attr(AttributeType.MESSAGE_INTEGRITY_SHA256, new byte[32]).build(), Reason.ATTRIBUTE_AFTER_INTEGRITY);
    }

    @Test
    void integrityThenSha256ThenFingerprintIsTheAllowedOrder() throws Exception {
        byte[] b = WireBuilder.request()
                .attr(AttributeType.MESSAGE_INTEGRITY, new byte[20])
                .attr(AttributeType.MESSAGE_INTEGRITY_SHA256, new byte[32]).build();
        assertThat(DECODER.decode(b).attributes()).hasSize(2);
    }

    @Test
    void attributeAfterFingerprint() {
        // A correctly fingerprinted message with one more attribute appended (length updated).
        byte[] fp = StunEncoder.standard().encode(
                StunMessage.request(StunMethod.BINDING).add(new Software("x")).build(), MessageProtection.FINGERPRINT);
        byte[] extra = TestBytes.concat(fp, hex("80220004 41424344"));
        extra[3] += 8;
        rejects(extra, Reason.ATTRIBUTE_AFTER_FINGERPRINT);
        // Two FINGERPRINTs.
        byte[] twice = TestBytes.concat(fp, Arrays.copyOfRange(fp, fp.length - 8, fp.length));
        twice[3] += 8;
        rejects(twice, Reason.ATTRIBUTE_AFTER_FINGERPRINT);
        // MESSAGE-INTEGRITY after FINGERPRINT.
        byte[] mi = TestBytes.concat(fp, hex("00080014"), new byte[20]);
        mi[3] += 24;
        rejects(mi, Reason.ATTRIBUTE_AFTER_FINGERPRINT);
    }

    // --- TOO_MANY_ATTRIBUTES, TOO_LARGE ---

    @Test
    void tooManyAttributes() throws Exception {
        WireBuilder ok = WireBuilder.request();
        for (int i = 0; i < StunDecoder.MAX_ATTRIBUTES; i++) {
            ok.attr(0x8100 + i, new byte[0]); // unknown optional types
        }
        assertThat(DECODER.decode(ok.build()).attributes()).hasSize(StunDecoder.MAX_ATTRIBUTES);
        rejects(ok.attr(0x8FFF, new byte[0]).build(), Reason.TOO_MANY_ATTRIBUTES);
    }

    @Test
    void inputLongerThanAnyStunMessage() throws Exception {
        byte[] largest = WireBuilder.request().attr(0x8000, new byte[0xFFFC - 4]).build();
        assertThat(largest).hasSize(StunDecoder.MAX_MESSAGE_LENGTH);
        assertThat(DECODER.decode(largest).attributes()).hasSize(1);
        rejects(Arrays.copyOf(largest, largest.length + 4), Reason.TOO_LARGE);
        assertThatThrownBy(() -> DECODER.decode(ByteBuffer.allocateDirect(StunDecoder.MAX_MESSAGE_LENGTH + 1)))
                .isInstanceOfSatisfying(StunDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    // --- BAD_ATTRIBUTE_VALUE ---

    @ParameterizedTest
    @ValueSource(ints = {AttributeType.MAPPED_ADDRESS, AttributeType.XOR_MAPPED_ADDRESS, AttributeType.ALTERNATE_SERVER,
            AttributeType.RESPONSE_ORIGIN, AttributeType.OTHER_ADDRESS})
    void badAddresses(int type) {
        rejectsValue(type, hex("0003 1234 01020304")); // family 3
        rejectsValue(type, hex("0000 1234 01020304")); // family 0
        rejectsValue(type, hex("0001 1234 0102030405060708")); // IPv4 with 8 address bytes
        rejectsValue(type, hex("0002 1234 0102030405060708")); // IPv6 with 8 address bytes
        rejectsValue(type, hex("0001 12")); // shorter than family and port
        rejectsValue(type, new byte[0]);
    }

    @Test
    void ipv4MappedAddressInIpv6Family() {
        rejectsValue(AttributeType.MAPPED_ADDRESS, hex("0002 1234 00000000000000000000ffffc0000201"));
        // XOR-ed: the XOR pad is cookie || transaction ID of WireBuilder's header.
        byte[] mapped = hex("00000000000000000000ffffc0000201");
        byte[] pad = hex("2112a442 0102030405060708090a0b0c");
        byte[] x = new byte[16];
        for (int i = 0; i < 16; i++) {
            x[i] = (byte) (mapped[i] ^ pad[i]);
        }
        rejectsValue(AttributeType.XOR_MAPPED_ADDRESS, TestBytes.concat(hex("0002 1234"), x));
    }

    @ParameterizedTest
    @ValueSource(ints = {AttributeType.USERNAME, AttributeType.REALM, AttributeType.NONCE, AttributeType.SOFTWARE})
    void invalidUtf8(int type) {
        rejectsValue(type, hex("c328")); // bad continuation
        rejectsValue(type, hex("c0af")); // overlong "/"
        rejectsValue(type, hex("eda080")); // UTF-16 surrogate encoded in UTF-8
        rejectsValue(type, hex("f4908080")); // beyond U+10FFFF
        rejectsValue(type, hex("e282")); // cut sequence
    }

    @Test
    void textLongerThanAllowed() throws Exception {
        byte[] u513 = "u".repeat(513).getBytes(StandardCharsets.US_ASCII);
        assertThat(DECODER.decode(WireBuilder.request().attr(AttributeType.USERNAME, u513).build()).attributes()).hasSize(1);
        rejectsValue(AttributeType.USERNAME, "u".repeat(514).getBytes(StandardCharsets.US_ASCII));
        rejectsValue(AttributeType.REALM, new byte[764]);
        rejectsValue(AttributeType.NONCE, new byte[764]);
        rejectsValue(AttributeType.SOFTWARE, new byte[764]);
        rejectsValue(AttributeType.ERROR_CODE, TestBytes.concat(hex("00000400"), new byte[764]));
    }

    @Test
    void errorCodeOutOfRange() throws Exception {
        rejectsValue(AttributeType.ERROR_CODE, hex("00000200")); // class 2
        rejectsValue(AttributeType.ERROR_CODE, hex("00000700")); // class 7
        rejectsValue(AttributeType.ERROR_CODE, hex("00000064")); // class 0, number 100
        rejectsValue(AttributeType.ERROR_CODE, hex("00000464")); // 4, number 100
        rejectsValue(AttributeType.ERROR_CODE, hex("000004")); // shorter than 4
        rejectsValue(AttributeType.ERROR_CODE, hex("00000401 ff")); // reason not UTF-8
        assertThat(DECODER.decode(WireBuilder.request().attr(AttributeType.ERROR_CODE, hex("00000663")).build()).attributes())
                .containsExactly(new ErrorCode(699, ""));
        assertThat(DECODER.decode(WireBuilder.request().attr(AttributeType.ERROR_CODE, hex("00000300")).build()).attributes())
                .containsExactly(new ErrorCode(300, ""));
    }

    @Test
    void fixedLengthAttributesWithWrongLengths() {
        rejectsValue(AttributeType.MESSAGE_INTEGRITY, new byte[19]);
        rejectsValue(AttributeType.MESSAGE_INTEGRITY, new byte[24]);
        for (int n : new int[] {0, 12, 15, 18, 30, 36}) {
            rejectsValue(AttributeType.MESSAGE_INTEGRITY_SHA256, new byte[n]);
        }
        rejectsValue(AttributeType.FINGERPRINT, new byte[8]);
        rejectsValue(AttributeType.FINGERPRINT, new byte[3]);
        rejectsValue(AttributeType.USERHASH, new byte[31]);
        rejectsValue(AttributeType.USERHASH, new byte[33]);
        rejectsValue(AttributeType.UNKNOWN_ATTRIBUTES, new byte[3]);
        rejectsValue(AttributeType.CHANGE_REQUEST, new byte[8]);
        rejectsValue(AttributeType.CHANGE_REQUEST, new byte[2]);
        rejectsValue(AttributeType.RESPONSE_PORT, new byte[2]);
        rejectsValue(AttributeType.RESPONSE_PORT, new byte[8]);
    }
}
