package dev.peerlink.cast.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CastSourceTest {
    private static final Map<String, String> NO_DISPLAY = Map.of();

    @Test
    void screenTakesTheDisplayFromTheSpecOrDisplayVariable() {
        assertThat(CastSource.parse("screen", Map.of("DISPLAY", ":7"), false)).isEqualTo(new CastSource.Screen(":7"));
        assertThat(CastSource.parse("screen:1", NO_DISPLAY, false)).isEqualTo(new CastSource.Screen(":1"));
        assertThat(CastSource.parse("screen::2.0", NO_DISPLAY, false)).isEqualTo(new CastSource.Screen(":2.0"));
        assertThat(CastSource.parse("screen:host:10.0", NO_DISPLAY, false)).isEqualTo(new CastSource.Screen("host:10.0"));
        assertThatThrownBy(() -> CastSource.parse("screen", NO_DISPLAY, false)).hasMessageContaining("DISPLAY");
    }

    @Test
    void patternsAndClock() {
        assertThat(CastSource.parse("testsrc", NO_DISPLAY, false)).isEqualTo(new CastSource.TestPattern(CastSource.Pattern.BARS));
        assertThat(CastSource.parse("testsrc2", NO_DISPLAY, false)).isEqualTo(new CastSource.TestPattern(CastSource.Pattern.MOVING));
        assertThat(CastSource.parse("clock", NO_DISPLAY, false)).isEqualTo(new CastSource.Clock());
    }

    @Test
    void fileMustExist(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("clip.mp4"), "x");
        assertThat(CastSource.parse(f.toString(), NO_DISPLAY, false)).isEqualTo(new CastSource.MediaFile(f, false));
        assertThatThrownBy(() -> CastSource.parse(dir.resolve("nope.mp4").toString(), NO_DISPLAY, false)).hasMessageContaining("no such file");
    }

    @Test
    void ingestListensOnLoopbackOnlyUnlessAllowed() {
        assertThat(CastSource.parse("rtmp://127.0.0.1:1935/live/k", NO_DISPLAY, false))
                .isEqualTo(new CastSource.RtmpIngest(URI.create("rtmp://127.0.0.1:1935/live/k")));
        assertThat(CastSource.parse("rtmp://localhost:1935/live/k", NO_DISPLAY, false)).isInstanceOf(CastSource.RtmpIngest.class);
        assertThat(CastSource.parse("rtmp://[::1]:1935/live/k", NO_DISPLAY, false)).isInstanceOf(CastSource.RtmpIngest.class);
        assertThatThrownBy(() -> CastSource.parse("rtmp://0.0.0.0:1935/live/k", NO_DISPLAY, false)).hasMessageContaining("not loopback");
        assertThatThrownBy(() -> CastSource.parse("rtmp://example.com:1935/live/k", NO_DISPLAY, false)).hasMessageContaining("not loopback");
        assertThat(CastSource.parse("rtmp://0.0.0.0:1935/live/k", NO_DISPLAY, true)).isInstanceOf(CastSource.RtmpIngest.class);
    }

    @Test
    void ingestNeedsPortAppAndKey() {
        assertThatThrownBy(() -> CastSource.parse("rtmp://127.0.0.1/live/k", NO_DISPLAY, false)).hasMessageContaining("PORT/APP/KEY");
        assertThatThrownBy(() -> CastSource.parse("rtmp://127.0.0.1:1935/live", NO_DISPLAY, false)).hasMessageContaining("PORT/APP/KEY");
        assertThatThrownBy(() -> CastSource.parse("http://127.0.0.1:80/x", NO_DISPLAY, false)).hasMessageContaining("unsupported");
    }
}
