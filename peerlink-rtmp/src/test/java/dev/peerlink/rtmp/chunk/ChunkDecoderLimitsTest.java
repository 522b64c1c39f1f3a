package dev.peerlink.rtmp.chunk;

import static dev.peerlink.rtmp.chunk.TestBytes.decodeAll;
import static dev.peerlink.rtmp.chunk.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Malformed chunk streams and the limits: each is a typed {@link RtmpException}. */
class ChunkDecoderLimitsTest {

    static Reason reasonOf(ChunkDecoder decoder, String hex) {
        return catchThrowableOfType(RtmpException.class, () -> decodeAll(decoder, hex(hex))).reason();
    }

    static Reason reasonOf(String hex) {
        return reasonOf(new ChunkDecoder(), hex);
    }

    @ParameterizedTest
    @ValueSource(strings = {"44 000000 000001 08", "84 000000", "c4"})
    void fmt1To3WithoutAPreviousHeaderIsRejected(String header) {
        assertThat(reasonOf(header)).isEqualTo(Reason.NO_PREVIOUS_HEADER);
    }

    @Test
    void aNewHeaderInTheMiddleOfAMessageIsRejected() {
        assertThat(reasonOf("04 000000 0000c8 08 01000000" + "00".repeat(128) + "84 000001"))
                .isEqualTo(Reason.BAD_CHUNK_HEADER);
    }

    @Test
    void messagesOverTheLengthLimitAreRejectedAtTheHeader() {
        ChunkDecoder decoder = new ChunkDecoder(ChunkLimits.defaults().withMaxMessageLength(1000));
        assertThat(reasonOf(decoder, "04 000000 0003e9 09 01000000")).isEqualTo(Reason.MESSAGE_TOO_LARGE);
        assertThat(reasonOf(new ChunkDecoder(ChunkLimits.defaults().withMaxMessageLength(1000)),
                "04 000000 000000 09 01000000 44 000000 0003e9 09")).isEqualTo(Reason.MESSAGE_TOO_LARGE);
    }

    @Test
    void tooManyChunkStreamsAreRejected() {
        ChunkDecoder decoder = new ChunkDecoder(ChunkLimits.defaults().withMaxChunkStreams(3));
        assertThat(reasonOf(decoder, "02 000000 000000 14 00000000 03 000000 000000 14 00000000"
                + "04 000000 000000 14 00000000 05 000000 000000 14 00000000")).isEqualTo(Reason.TOO_MANY_CHUNK_STREAMS);
    }

    @Test
    void bufferedBytesAcrossPartialMessagesAreCapped() {
        ChunkDecoder decoder = new ChunkDecoder(new ChunkLimits(1000, 64, 1 << 24, 1500));
        // two 1000-byte messages, 128 bytes in each per chunk, interleaved: the 12th chunk crosses 1500
        StringBuilder b = new StringBuilder("04 000000 0003e8 09 01000000" + "00".repeat(128)
                + "06 000000 0003e8 09 01000000" + "00".repeat(128));
        for (int i = 0; i < 6; i++) {
            b.append("c4").append("00".repeat(128)).append("c6").append("00".repeat(128));
        }
        assertThat(reasonOf(decoder, b.toString())).isEqualTo(Reason.MESSAGE_TOO_LARGE);
        assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(1500);
    }

    @ParameterizedTest
    @ValueSource(strings = {"00000000", "80000000", "ffffffff"})
    void setChunkSizeOutsideTheSpecIsRejected(String value) {
        assertThat(reasonOf("02 000000 000004 01 00000000" + value)).isEqualTo(Reason.BAD_CHUNK_SIZE);
    }

    @Test
    void setChunkSizeAboveTheConfiguredCapIsRejected() {
        ChunkDecoder decoder = new ChunkDecoder(ChunkLimits.defaults().withMaxChunkSize(65536));
        assertThat(reasonOf(decoder, "02 000000 000004 01 00000000 00010001")).isEqualTo(Reason.BAD_CHUNK_SIZE);
        assertThat(reasonOf(new ChunkDecoder(), "02 000000 000004 01 00000000 7fffffff")).isEqualTo(Reason.BAD_CHUNK_SIZE);
        ChunkDecoder permissive = new ChunkDecoder(ChunkLimits.defaults().withMaxChunkSize(Integer.MAX_VALUE));
        assertThat(catchThrowableOfType(RtmpException.class,
                () -> decodeAll(permissive, hex("02 000000 000004 01 00000000 7fffffff")))).isNull();
        assertThat(permissive.chunkSize()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void controlMessagesOfTheWrongLengthAreRejected() {
        assertThat(reasonOf("02 000000 000003 01 00000000 000080")).isEqualTo(Reason.BAD_CONTROL_MESSAGE);
        assertThat(reasonOf("02 000000 000005 02 00000000 0000000400")).isEqualTo(Reason.BAD_CONTROL_MESSAGE);
    }

    @Test
    void afterAnErrorTheDecoderRefusesFurtherInput() throws Exception {
        ChunkDecoder decoder = new ChunkDecoder();
        assertThat(reasonOf(decoder, "c4")).isEqualTo(Reason.NO_PREVIOUS_HEADER);
        // a valid chunk now still fails: framing was lost
        assertThat(reasonOf(decoder, "04 000000 000000 08 01000000")).isEqualTo(Reason.NO_PREVIOUS_HEADER);
    }

    @Test
    void aHeaderAnnouncingAHugeMessageAllocatesLittle() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ChunkDecoder decoder = new ChunkDecoder();
        decodeAll(decoder, hex("04 000000 ffffff 09 01000000 00")); // warm up the code path
        ChunkDecoder fresh = new ChunkDecoder();
        long before = threads.getCurrentThreadAllocatedBytes();
        decodeAll(fresh, hex("04 000000 ffffff 09 01000000 00"));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated for a 16 MiB announcement with 1 payload byte").isLessThan(64 * 1024);
        assertThat(fresh.bufferedBytes()).isEqualTo(1);
    }
}
