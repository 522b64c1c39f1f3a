package dev.peerlink.rtmp.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.amf.Amf0;
import dev.peerlink.rtmp.amf.EcmaArray;
import dev.peerlink.rtmp.flv.FlvTag;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The onMetaData that ffmpeg's FLV muxer writes (what it also sends, behind @setDataFrame, when publishing). */
class FfmpegMetadataTest {
    @Test
    void ffmpegScriptTagParsesAndConvertsBothWaysByteForByte() throws Exception {
        byte[] flv = Ffmpeg.stdout("-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "1",
                "-c:v", "libx264", "-f", "flv", "-");
        assertThat(Arrays.copyOf(flv, 3)).isEqualTo("FLV".getBytes());
        // first tag after the 9-byte header and PreviousTagSize0
        int o = 13;
        assertThat(flv[o]).isEqualTo((byte) FlvTag.SCRIPT);
        int size = (flv[o + 1] & 0xFF) << 16 | (flv[o + 2] & 0xFF) << 8 | (flv[o + 3] & 0xFF);
        byte[] body = Arrays.copyOfRange(flv, o + 11, o + 11 + size);

        assertThat(Metadata.isOnMetaData(body)).isTrue();
        Map<String, Object> meta = Metadata.parse(body);
        assertThat(meta).isInstanceOf(EcmaArray.class);
        assertThat(meta).containsEntry("width", 320.0).containsEntry("height", 240.0)
                .containsEntry("framerate", 10.0).containsEntry("videocodecid", 7.0);
        assertThat(meta.get("encoder")).asString().startsWith("Lavf");
        // our encoder writes exactly what ffmpeg wrote (its ECMA count equals the entries)
        List<Object> values = Amf0.decodeAll(body);
        assertThat(Amf0.encodeAll(values)).isEqualTo(body);

        // publisher form: "@setDataFrame" prepended; the server strips it and gets the same body back
        FlvTag tag = new FlvTag(FlvTag.SCRIPT, 0, body);
        RtmpMessage published = Metadata.toPublisherMessage(tag, 1, 0);
        assertThat(DataMessage.from(published).handler()).isEqualTo(Metadata.SET_DATA_FRAME);
        assertThat(DataMessage.from(published).values().get(0)).isEqualTo(Metadata.ON_META_DATA);
        assertThat(Metadata.toFlvTag(published).body()).isEqualTo(body);
        // player form: the body unchanged as a type 18 message
        RtmpMessage toPlayer = Metadata.toPlayerMessage(tag, 1, 0);
        assertThat(toPlayer.typeId()).isEqualTo(RtmpMessage.Type.DATA_AMF0);
        assertThat(toPlayer.payload()).isEqualTo(body);
        assertThat(Metadata.toFlvTag(toPlayer).body()).as("no @setDataFrame: kept as is").isEqualTo(body);
    }
}
