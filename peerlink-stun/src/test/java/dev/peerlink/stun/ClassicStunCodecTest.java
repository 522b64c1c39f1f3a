package dev.peerlink.stun;

import static dev.peerlink.stun.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.stun.StunDecodeException.Reason;
import dev.peerlink.stun.attribute.ChangeRequest;
import dev.peerlink.stun.attribute.ChangedAddress;
import dev.peerlink.stun.attribute.MappedAddress;
import dev.peerlink.stun.attribute.SourceAddress;
import dev.peerlink.stun.attribute.XorMappedAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 3489 messages (no magic cookie, 128-bit transaction ID) through the codec, as RFC 8489 §12 allows. */
class ClassicStunCodecTest {
    /** A request as Debian's {@code stun} client (stund 0.97) sends it: Binding, CHANGE-REQUEST with no flags. */
    private static final String STUND_REQUEST = "0001 0008 012fc505 5983302dd0f47621360a7c6f 0003 0004 00000000";

    private static final StunDecoder TOLERANT = StunDecoder.classicTolerant(AttributeRegistry.standard());

    @Test
    void strictDecoderStillRejectsAMissingCookie() {
        assertThatThrownBy(() -> StunDecoder.standard().decode(hex(STUND_REQUEST)))
                .isInstanceOfSatisfying(StunDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC_COOKIE));
    }

    @Test
    void tolerantDecoderReadsTheStundRequest() throws Exception {
        StunMessage m = TOLERANT.decode(hex(STUND_REQUEST));
        assertThat(m.method()).isEqualTo(StunMethod.BINDING);
        assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
        assertThat(m.isClassic()).isTrue();
        assertThat(m.cookie()).isEqualTo(0x012fc505);
        assertThat(m.transactionId().toString()).isEqualTo("5983302dd0f47621360a7c6f");
        assertThat(m.attribute(ChangeRequest.class)).contains(new ChangeRequest(false, false));
        assertThat(StunDecoder.looksLikeClassicBinding(hex(STUND_REQUEST), 0, 28)).isTrue();
        assertThat(StunDecoder.looksLikeStun(hex(STUND_REQUEST), 0, 28)).isFalse();
    }

    @Test
    void responseEchoesThe128BitTransactionIdAndUsesPlainMappedAddress() throws Exception {
        StunMessage req = TOLERANT.decode(hex(STUND_REQUEST));
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
        byte[] bytes = StunEncoder.standard().encode(req.respond(StunClass.SUCCESS_RESPONSE)
                .add(new MappedAddress(client))
                .add(new SourceAddress(new InetSocketAddress(InetAddress.getByName("192.0.2.10"), 3478)))
                .add(new ChangedAddress(new InetSocketAddress(InetAddress.getByName("192.0.2.11"), 3479)))
                .build());
        assertThat(hex(bytes)).isEqualTo(hex(hex("""
                0101 0024 012fc505 5983302dd0f47621360a7c6f
                0001 0008 0001 8055 c0000201
                0004 0008 0001 0d96 c000020a
                0005 0008 0001 0d97 c000020b""")));
        StunMessage back = TOLERANT.decode(bytes);
        assertThat(back.isClassic()).isTrue();
        assertThat(back.transactionId()).isEqualTo(req.transactionId());
        assertThat(back.attribute(MappedAddress.class).orElseThrow().address()).isEqualTo(client);
        assertThat(back.attribute(ChangedAddress.class).orElseThrow().address().getPort()).isEqualTo(3479);
    }

    @Test
    void modernMessagesDecodeTheSameThroughTheTolerantDecoder() throws Exception {
        byte[] modern = StunEncoder.standard().encode(StunMessage.request(StunMethod.BINDING)
                .add(new XorMappedAddress(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 4000))).build(),
                MessageProtection.FINGERPRINT);
        StunMessage m = TOLERANT.decode(modern);
        assertThat(m.isClassic()).isFalse();
        assertThat(m.cookie()).isEqualTo(StunMessage.MAGIC_COOKIE);
        assertThat(m.attributes()).isEqualTo(StunDecoder.standard().decode(modern).attributes());
        assertThat(StunDecoder.looksLikeClassicBinding(modern, 0, modern.length)).isFalse();
    }

    /** Only what RFC 3489 could have sent is accepted without the cookie; malformed bytes keep their own reason. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "Allocate request,            0003 0000 012fc505 5983302dd0f47621360a7c6f,                        NOT_CLASSIC",
            "Binding indication,          0011 0000 012fc505 5983302dd0f47621360a7c6f,                        NOT_CLASSIC",
            "XOR-MAPPED-ADDRESS,          0001 000c 012fc505 5983302dd0f47621360a7c6f 0020 0008 0001a147e112a643, NOT_CLASSIC",
            "RESPONSE-PORT,               0001 0008 012fc505 5983302dd0f47621360a7c6f 0027 0004 10000000,    NOT_CLASSIC",
            "length not a multiple of 4,  0001 0006 012fc505 5983302dd0f47621360a7c6f 0003 0004 00000000,    BAD_LENGTH",
            "length past the end,         0001 000c 012fc505 5983302dd0f47621360a7c6f 0003 0004 00000000,    TRUNCATED",
            "attribute overrun,           0001 0008 012fc505 5983302dd0f47621360a7c6f 0003 0008 00000000,    ATTRIBUTE_OVERRUN",
            "top bits set,                c001 0000 012fc505 5983302dd0f47621360a7c6f,                        NOT_STUN",
            "short header,                0001 0000 012fc505 5983302d,                                        TRUNCATED",
            "CHANGE-REQUEST of 2 bytes,   0001 0008 012fc505 5983302dd0f47621360a7c6f 0003 0002 00000000,    BAD_ATTRIBUTE_VALUE",
    })
    void rejectsWithATypedReason(String name, String wire, Reason reason) {
        assertThatThrownBy(() -> TOLERANT.decode(hex(wire)))
                .isInstanceOfSatisfying(StunDecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void comprehensionOptionalAttributesAreAllowed() throws Exception {
        // SOFTWARE (0x8022) was stund's SERVER-NAME: old clients and servers do send it.
        StunMessage m = TOLERANT.decode(hex("0001 000c 012fc505 5983302dd0f47621360a7c6f 8022 0008 7374756e642d3937"));
        assertThat(m.isClassic()).isTrue();
        assertThat(m.has(AttributeType.SOFTWARE)).isTrue();
    }

    @Test
    void aClassicIdCannotStartWithTheMagicCookie() {
        assertThatThrownBy(() -> StunMessage.request(StunMethod.BINDING).classic(StunMessage.MAGIC_COOKIE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
