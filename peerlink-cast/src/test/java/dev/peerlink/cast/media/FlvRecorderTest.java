package dev.peerlink.cast.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.rtmp.flv.FlvReader;
import dev.peerlink.rtmp.flv.FlvTag;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlvRecorderTest {
    @TempDir
    Path dir;

    @Test
    void writesAFileThatReadsBackTagForTag() throws Exception {
        Path file = dir.resolve("rec.flv");
        List<FlvTag> written = List.of(new FlvTag(FlvTag.SCRIPT, 0, new byte[] {2, 0, 1, 'x'}), new FlvTag(FlvTag.VIDEO, 0, new byte[] {0x17, 0, 0, 0, 0}),
                new FlvTag(FlvTag.VIDEO, 0, new byte[] {0x17, 1, 0, 0, 0, 9}), new FlvTag(FlvTag.VIDEO, 33, new byte[] {0x27, 1, 0, 0, 0, 8}));
        try (FlvRecorder rec = FlvRecorder.create(file, false, true)) {
            written.forEach(rec);
            assertThat(rec.tagsWritten()).isEqualTo(4);
        }
        List<FlvTag> read = new ArrayList<>();
        FlvReader reader = new FlvReader();
        try (InputStream in = Files.newInputStream(file)) {
            reader.readAll(in, read::add);
        }
        assertThat(reader.hasVideo()).isTrue();
        assertThat(reader.hasAudio()).isFalse();
        assertThat(read).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(read.get(i).type()).isEqualTo(written.get(i).type());
            assertThat(read.get(i).timestamp()).isEqualTo(written.get(i).timestamp());
            assertThat(read.get(i).body()).isEqualTo(written.get(i).body());
        }
    }

    @Test
    void keyFramesReachTheDiskBeforeClose() throws Exception {
        Path file = dir.resolve("live.flv");
        try (FlvRecorder rec = FlvRecorder.create(file, false, true)) {
            rec.write(new FlvTag(FlvTag.VIDEO, 0, new byte[] {0x17, 1, 0, 0, 0, 1}));
            assertThat(Files.size(file)).isEqualTo(13 + 15 + 6);
        }
    }

    @Test
    void writingAfterCloseFails() throws IOException {
        FlvRecorder rec = FlvRecorder.create(dir.resolve("c.flv"), false, true);
        rec.close();
        rec.close();
        assertThatThrownBy(() -> rec.write(new FlvTag(FlvTag.VIDEO, 0, new byte[] {0x27, 1}))).isInstanceOf(IOException.class);
    }
}
