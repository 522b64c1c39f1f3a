package dev.peerlink.cast.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegLocatorTest {
    @Test
    void missingConfiguredPathSaysWhatAndHowToInstall() {
        assertThatThrownBy(() -> Ffmpeg.locate(Map.of(Ffmpeg.ENV, "/nonexistent/ffmpeg"), new Properties()))
                .isInstanceOf(MissingToolException.class)
                .hasMessageContaining("ffmpeg not found at /nonexistent/ffmpeg (set by PEERLINK_FFMPEG)")
                .hasMessageContaining("sudo apt-get install ffmpeg").hasMessageContaining("brew install ffmpeg").hasMessageContaining("winget")
                .message().doesNotContain("\n");
    }

    @Test
    void notOnPathSaysSo(@TempDir Path empty) {
        assertThatThrownBy(() -> Ffmpeg.locate(Map.of("PATH", empty.toString()), new Properties()))
                .hasMessageStartingWith("ffmpeg not found on the PATH; install it");
    }

    @Test
    void systemPropertyIsUsedWhenTheVariableIsUnset() {
        Properties p = new Properties();
        p.setProperty(Ffmpeg.PROPERTY, "/nonexistent/ff");
        assertThatThrownBy(() -> Ffmpeg.locate(Map.of(), p)).hasMessageContaining("/nonexistent/ff (set by -Dpeerlink.ffmpeg)");
    }

    @Test
    void ffmpegWithoutLibx264IsRefused(@TempDir Path dir) throws IOException {
        Path fake = dir.resolve("ffmpeg");
        Files.writeString(fake, """
                #!/bin/sh
                case "$*" in
                  *-version*) echo "ffmpeg version 9.9-fake Copyright";;
                  *-encoders*) echo " V....D libopenh264          OpenH264 H.264"; echo " V....D libx264rgb           libx264 RGB";;
                esac
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> Ffmpeg.locate(Map.of(Ffmpeg.ENV, fake.toString()), new Properties()))
                .hasMessageContaining("has no libx264").hasMessageContaining("apt-get install ffmpeg");
    }

    @Test
    void ffmpegWithoutX11grabCannotCaptureTheScreen(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("ffmpeg");
        Files.writeString(fake, """
                #!/bin/sh
                case "$*" in
                  *-version*) echo "ffmpeg version 9.9-fake Copyright";;
                  *-encoders*) echo " V....D libx264              libx264 H.264";;
                  *-devices*) echo " D  avfoundation    AVFoundation input device"; echo " D  lavfi           Libavfilter virtual input device";;
                esac
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Ffmpeg ff = Ffmpeg.locate(Map.of(Ffmpeg.ENV, fake.toString()), new Properties());
        assertThat(ff.version()).isEqualTo("9.9-fake");
        ff.checkSource(new CastSource.TestPattern(CastSource.Pattern.BARS));
        ff.checkSource(new CastSource.Clock());
        assertThatThrownBy(() -> ff.checkSource(new CastSource.Screen(":0"))).isInstanceOf(MissingToolException.class)
                .hasMessageContaining("has no x11grab input").hasMessageContaining("OBS");
    }

    @Test
    void systemFfmpegHasWhatTheSourcesNeed() throws MissingToolException {
        Ffmpeg ff = MediaTools.ffmpeg();
        ff.checkSource(new CastSource.Screen(":0"));
        ff.checkSource(new CastSource.TestPattern(CastSource.Pattern.BARS));
    }

    @Test
    void somethingElseIsNotFfmpeg(@TempDir Path dir) throws IOException {
        Path fake = dir.resolve("notffmpeg");
        Files.writeString(fake, "#!/bin/sh\necho hello\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> Ffmpeg.locate(Map.of(Ffmpeg.ENV, fake.toString()), new Properties()))
                .hasMessageContaining("does not look like ffmpeg");
    }

    @Test
    void findsTheSystemFfmpegOnThePath() throws MissingToolException {
        Ffmpeg ff = MediaTools.ffmpeg();
        Ffmpeg again = Ffmpeg.locate(Map.of("PATH", ff.executable().getParent().toString()), new Properties());
        assertThat(again.executable()).isEqualTo(ff.executable());
        assertThat(again.version()).isNotBlank();
    }
}
