package dev.peerlink.rtmp.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.control.SetPeerBandwidth.LimitType;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every control record against its spec layout (§5.4, §7.1.7), both ways, and the wrong-length errors. */
class ControlMessageTest {

    static Stream<Arguments> vectors() {
        return Stream.of(
                Arguments.of(new SetChunkSize(4096), 1, "00001000"),
                Arguments.of(new SetChunkSize(Integer.MAX_VALUE), 1, "7fffffff"),
                Arguments.of(new Abort(6), 2, "00000006"),
                Arguments.of(new Acknowledgement(0xFFFFFFFFL), 3, "ffffffff"),
                Arguments.of(new WindowAckSize(2_500_000), 5, "002625a0"),
                Arguments.of(new SetPeerBandwidth(2_500_000, LimitType.HARD), 6, "002625a000"),
                Arguments.of(new SetPeerBandwidth(1, LimitType.SOFT), 6, "0000000101"),
                Arguments.of(new SetPeerBandwidth(1, LimitType.DYNAMIC), 6, "0000000102"),
                Arguments.of(new UserControl.StreamBegin(1), 4, "000000000001"),
                Arguments.of(new UserControl.StreamEof(1), 4, "000100000001"),
                Arguments.of(new UserControl.StreamDry(2), 4, "000200000002"),
                Arguments.of(new UserControl.SetBufferLength(1, 3000), 4, "00030000000100000bb8"),
                Arguments.of(new UserControl.StreamIsRecorded(1), 4, "000400000001"),
                Arguments.of(new UserControl.PingRequest(0xDEADBEEFL), 4, "0006deadbeef"),
                Arguments.of(new UserControl.PingResponse(7), 4, "000700000007"),
                Arguments.of(new UserControl.Unknown(31, new byte[] {0, 0, 0, 1}), 4, "001f00000001"));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void encodesToTheSpecLayoutAndDecodesBack(ControlMessage record, int type, String payloadHex) throws Exception {
        RtmpMessage m = record.encode();
        assertThat(m.typeId()).isEqualTo(type);
        assertThat(m.streamId()).isZero();
        assertThat(m.timestamp()).isZero();
        assertThat(HexFormat.of().formatHex(m.payload())).isEqualTo(payloadHex);
        assertThat(ControlMessage.decode(m)).isEqualTo(record);
    }

    static Reason reasonOf(int type, String payloadHex) {
        RtmpMessage m = new RtmpMessage(type, 0, 0, HexFormat.of().parseHex(payloadHex));
        return catchThrowableOfType(RtmpException.class, () -> ControlMessage.decode(m)).reason();
    }

    @Test
    void wrongLengthsAreBadControlMessages() {
        for (int type : List.of(1, 2, 3, 5)) {
            assertThat(reasonOf(type, "000000")).as("type %d, 3 bytes", type).isEqualTo(Reason.BAD_CONTROL_MESSAGE);
            assertThat(reasonOf(type, "0000000000")).as("type %d, 5 bytes", type).isEqualTo(Reason.BAD_CONTROL_MESSAGE);
        }
        assertThat(reasonOf(6, "00000001")).isEqualTo(Reason.BAD_CONTROL_MESSAGE);
        assertThat(reasonOf(4, "00")).isEqualTo(Reason.BAD_CONTROL_MESSAGE);
        assertThat(reasonOf(4, "0000000001")).isEqualTo(Reason.BAD_CONTROL_MESSAGE);
        assertThat(reasonOf(4, "00030000000100")).isEqualTo(Reason.BAD_CONTROL_MESSAGE);
        assertThat(reasonOf(4, "00060000000000")).isEqualTo(Reason.BAD_CONTROL_MESSAGE);
    }

    @Test
    void badValuesAreTyped() {
        assertThat(reasonOf(1, "00000000")).isEqualTo(Reason.BAD_CHUNK_SIZE);
        assertThat(reasonOf(1, "80000000")).isEqualTo(Reason.BAD_CHUNK_SIZE);
        assertThat(reasonOf(6, "0000000103")).isEqualTo(Reason.BAD_CONTROL_MESSAGE);
        assertThat(reasonOf(20, "00")).isEqualTo(Reason.PROTOCOL);
        RtmpMessage audio = new RtmpMessage(8, 0, 0, new byte[4]);
        assertThat(catchThrowableOfType(RtmpException.class, () -> SetChunkSize.decode(audio)).reason())
                .isEqualTo(Reason.PROTOCOL);
    }

    @Test
    void unknownUserControlEventsAreKeptNotRejected() throws Exception {
        RtmpMessage swfVerify = new RtmpMessage(4, 0, 0, HexFormat.of().parseHex("001a"));
        assertThat(ControlMessage.decode(swfVerify)).isEqualTo(new UserControl.Unknown(26, new byte[0]));
    }

    @Test
    void constructorsRejectOutOfRangeValues() {
        assertThatThrownBy(() -> new SetChunkSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Acknowledgement(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WindowAckSize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UserControl.Unknown(6, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pingRequestAnswersWithTheSameTimestamp() {
        assertThat(new UserControl.PingRequest(1234).response()).isEqualTo(new UserControl.PingResponse(1234));
    }
}
