package dev.peerlink.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.stun.attribute.PasswordAlgorithm;
import dev.peerlink.stun.attribute.PasswordAlgorithms;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordAlgorithmTest {
    @Test
    void bothAttributesRoundTripAndAreNotReportedAsUnknown() throws Exception {
        StunMessage m = StunMessage.request(StunMethod.ALLOCATE)
                .add(new PasswordAlgorithms(List.of(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5)))
                .add(new PasswordAlgorithm(PasswordAlgorithm.SHA256))
                .build();
        StunMessage d = StunDecoder.standard().decode(StunEncoder.standard().encode(m));
        assertThat(d.attribute(PasswordAlgorithms.class)).contains(new PasswordAlgorithms(List.of(2, 1)));
        assertThat(d.attribute(PasswordAlgorithm.class)).contains(new PasswordAlgorithm(2));
        assertThat(d.unknownComprehensionRequired(AttributeRegistry.standard())).isEmpty();
    }

    @Test
    void wireFormatIsAlgorithmThenZeroParameterLength() {
        byte[] b = StunEncoder.standard().encode(StunMessage.request(StunMethod.ALLOCATE)
                .add(new PasswordAlgorithm(PasswordAlgorithm.SHA256)).build());
        assertThat(HexFormat.of().formatHex(b, 20, 28)).isEqualTo("001d000400020000");
    }

    @Test
    void parametersThatOverrunTheValueAreRejected() {
        // PASSWORD-ALGORITHMS with one entry claiming 8 bytes of parameters inside a 4-byte value.
        byte[] b = HexFormat.of().parseHex("00030008" + "2112a442" + "000102030405060708090a0b" + "80020004" + "00010008");
        assertThatThrownBy(() -> StunDecoder.standard().decode(b))
                .isInstanceOf(StunDecodeException.class)
                .satisfies(e -> assertThat(((StunDecodeException) e).reason()).isEqualTo(StunDecodeException.Reason.BAD_ATTRIBUTE_VALUE));
    }
}
