package dev.peerlink.cast.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EncoderSettingsTest {
    @Test
    void defaultsAreLowLatencyWithAOneSecondGop() {
        EncoderSettings d = EncoderSettings.defaults();
        assertThat(d.fps()).isEqualTo(30);
        assertThat(d.gopFrames()).isEqualTo(30);
        assertThat(d.preset()).isEqualTo("veryfast");
        assertThat(d.audio()).isFalse();
        assertThat(d.scaled()).isFalse();
        assertThat(d.bufsizeKbit()).isEqualTo(2500 / 5); // 200 ms of 2.5 Mbit/s
    }

    @Test
    void parsesTheCliSize() {
        assertThat(EncoderSettings.defaults().withSize("1920X1080")).extracting(EncoderSettings::width, EncoderSettings::height)
                .containsExactly(1920, 1080);
        assertThatThrownBy(() -> EncoderSettings.defaults().withSize("1280")).hasMessageContaining("WxH");
        assertThatThrownBy(() -> EncoderSettings.defaults().withSize("axb")).hasMessageContaining("WxH");
        assertThatThrownBy(() -> EncoderSettings.defaults().withSize("641x480")).hasMessageContaining("even");
    }

    @Test
    void changingFpsKeepsTheGopDuration() {
        EncoderSettings s = EncoderSettings.defaults().withGop(60).withFps(15); // 2 s at 30 fps
        assertThat(s.gopFrames()).isEqualTo(30);
    }

    @Test
    void rejectsOutOfRangeValues() {
        EncoderSettings d = EncoderSettings.defaults();
        assertThatThrownBy(() -> d.withFps(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withBitrate(10)).hasMessageContaining("bitrate");
        assertThatThrownBy(() -> d.withGop(301)).hasMessageContaining("GOP");
        assertThatThrownBy(() -> d.withPreset("placebo")).hasMessageContaining("preset");
        assertThatThrownBy(() -> d.withProfile("high10")).hasMessageContaining("profile");
        assertThatThrownBy(() -> d.withVbvMillis(5)).hasMessageContaining("VBV");
    }
}
