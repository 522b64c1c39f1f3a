package dev.peerlink.rtmp.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Decodes a chunk stream captured from ffmpeg publishing (see {@code README.md} next to the fixture): ffmpeg's own
 * choice of fmt 0–3 headers, its multi-chunk video frames and its chunk size, through our decoder.
 */
class FfmpegCaptureTest {
    private static final byte[] CAPTURE = TestBytes.resource("ffmpeg-publish.hex");

    @Test
    void decodesThePublishCommandsThenMetadataAudioAndVideo() throws Exception {
        List<RtmpMessage> messages = TestBytes.decodeAll(CAPTURE);
        List<String> commands = messages.stream().filter(m -> m.typeId() == Type.COMMAND_AMF0)
                .map(FfmpegCaptureTest::commandName).toList();
        assertThat(commands).containsExactly("connect", "releaseStream", "FCPublish", "createStream", "publish");

        RtmpMessage publish = messages.stream().filter(m -> "publish".equals(commandName(m))).findFirst().orElseThrow();
        assertThat(publish.streamId()).isEqualTo(1);

        RtmpMessage metadata = messages.stream().filter(m -> m.typeId() == Type.DATA_AMF0).findFirst().orElseThrow();
        assertThat(commandName(metadata)).isEqualTo("@setDataFrame");

        List<RtmpMessage> video = messages.stream().filter(m -> m.typeId() == Type.VIDEO).toList();
        List<RtmpMessage> audio = messages.stream().filter(m -> m.typeId() == Type.AUDIO).toList();
        assertThat(video).hasSizeGreaterThan(5);
        assertThat(audio).hasSizeGreaterThan(5);
        // FLV video tag body: frame type (1 key, 2 inter) and codec id 2 (Sorenson H.263, ffmpeg's flv1).
        assertThat(video).allSatisfy(m -> assertThat(m.payload()[0] & 0x0F).isEqualTo(2));
        assertThat(video.get(0).payload()[0] >>> 4).isEqualTo(1);
        assertThat(video.stream().mapToInt(m -> m.payload().length).max().orElseThrow())
                .as("some video frame spans several chunks").isGreaterThan(new ChunkDecoder().chunkSize());
        // AAC: sound format 10 in the top nibble; the first audio message is the AudioSpecificConfig (packet type 0).
        assertThat(audio).allSatisfy(m -> assertThat((m.payload()[0] & 0xF0) >>> 4).isEqualTo(10));
        assertThat(audio.get(0).payload()[1]).isZero();
        assertThat(audio).allSatisfy(m -> assertThat(m.streamId()).isEqualTo(1));
        assertTimestampsNonDecreasing(video);
        assertTimestampsNonDecreasing(audio);
        // 10 fps: consecutive frames 100 ms apart.
        assertThat(video.get(video.size() - 1).timestamp() - video.get(1).timestamp())
                .isEqualTo(100L * (video.size() - 2));
        System.out.printf("ffmpeg capture: %d messages, types %s%n", messages.size(),
                messages.stream().collect(Collectors.groupingBy(RtmpMessage::typeId, Collectors.counting())));
    }

    @Test
    void anySplitOfTheCaptureDecodesTheSame() throws Exception {
        String whole = TestBytes.describe(TestBytes.decodeAll(CAPTURE));
        for (int step : new int[] {1, 2, 3, 7, 127, 128, 129, 1000, 4096}) {
            assertThat(TestBytes.describe(TestBytes.decodeInPieces(CAPTURE, step))).as("step %d", step).isEqualTo(whole);
        }
    }

    @Test
    void reEncodingTheCapturedMessagesDecodesToTheSameMessages() throws Exception {
        List<RtmpMessage> messages = TestBytes.decodeAll(CAPTURE);
        ChunkEncoder encoder = new ChunkEncoder();
        ByteBuf wire = Unpooled.buffer();
        for (RtmpMessage m : messages) {
            encoder.encode(m, wire);
            if (m.typeId() == Type.SET_CHUNK_SIZE) {
                encoder.setChunkSize(dev.peerlink.rtmp.control.SetChunkSize.decode(m).size());
            }
        }
        byte[] bytes = new byte[wire.readableBytes()];
        wire.readBytes(bytes);
        assertThat(TestBytes.describe(TestBytes.decodeAll(bytes))).isEqualTo(TestBytes.describe(messages));
    }

    private static void assertTimestampsNonDecreasing(List<RtmpMessage> messages) {
        for (int i = 1; i < messages.size(); i++) {
            assertThat(messages.get(i).timestamp()).isGreaterThanOrEqualTo(messages.get(i - 1).timestamp());
        }
    }

    /** The AMF0 string at the start of a command or data payload, or null. */
    static String commandName(RtmpMessage m) {
        byte[] p = m.payload();
        if (p.length < 3 || p[0] != 0x02) {
            return null;
        }
        int len = ((p[1] & 0xFF) << 8) | (p[2] & 0xFF);
        return len > p.length - 3 ? null : new String(Arrays.copyOfRange(p, 3, 3 + len), StandardCharsets.UTF_8);
    }
}
