package dev.peerlink.cast.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ClockPatternTest {
    @Test
    void roundTripsTimesAtSeveralSizes() {
        Random rnd = new Random(7);
        int[][] sizes = {{320, 240}, {1280, 720}, {1920, 1080}, {97, 61}};
        for (int[] s : sizes) {
            for (int i = 0; i < 50; i++) {
                long t = rnd.nextLong(1L << 48);
                assertThat(ClockPattern.read(ClockPattern.render(t, s[0], s[1]), s[0], s[1], 1)).hasValue(t);
            }
        }
        assertThat(ClockPattern.read(ClockPattern.render(0, 320, 240), 320, 240, 1)).hasValue(0);
        long now = System.currentTimeMillis();
        assertThat(ClockPattern.read(ClockPattern.render(now, 320, 240), 320, 240, 1)).hasValue(now);
    }

    @Test
    void survivesBlurNoiseAndRangeCompression() {
        int w = 320;
        int h = 240;
        long t = 1_765_000_123_456L;
        byte[] f = ClockPattern.render(t, w, h);
        byte[] blurred = boxBlur(f, w, h, 6);
        Random rnd = new Random(1);
        for (int i = 0; i < blurred.length; i++) {
            // limited range (16..235) as a yuv420p round trip gives, plus ±30 noise
            int v = 16 + (blurred[i] & 0xFF) * 219 / 255 + rnd.nextInt(61) - 30;
            blurred[i] = (byte) Math.max(0, Math.min(255, v));
        }
        assertThat(ClockPattern.read(blurred, w, h, 1)).hasValue(t);
    }

    @Test
    void readsTheFirstChannelOfRgb() {
        int w = 160;
        int h = 120;
        long t = 123_456_789L;
        byte[] grey = ClockPattern.render(t, w, h);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < grey.length; i++) {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey[i];
        }
        assertThat(ClockPattern.read(rgb, w, h, 3)).hasValue(t);
    }

    @Test
    void uniformOrCorruptedFramesAreNotATime() {
        int w = 160;
        int h = 120;
        assertThat(ClockPattern.read(new byte[w * h], w, h, 1)).isEmpty();
        byte[] white = new byte[w * h];
        java.util.Arrays.fill(white, (byte) 255);
        assertThat(ClockPattern.read(white, w, h, 1)).isEmpty();
        // flip one block (bit 47, the time's least significant): the CRC catches it
        byte[] f = ClockPattern.render(1000, w, h);
        int col = 47 % ClockPattern.COLUMNS;
        int row = 47 / ClockPattern.COLUMNS;
        for (int y = row * h / ClockPattern.ROWS; y < (row + 1) * h / ClockPattern.ROWS; y++) {
            for (int x = col * w / ClockPattern.COLUMNS; x < (col + 1) * w / ClockPattern.COLUMNS; x++) {
                f[y * w + x] = (byte) ~f[y * w + x];
            }
        }
        assertThat(ClockPattern.read(f, w, h, 1)).isEmpty();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> ClockPattern.render(-1, 320, 240)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClockPattern.render(1L << 48, 320, 240)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClockPattern.render(0, 16, 16)).hasMessageContaining("too small");
        assertThatThrownBy(() -> ClockPattern.read(new byte[10], 320, 240, 1)).hasMessageContaining("320x240");
    }

    private static byte[] boxBlur(byte[] f, int w, int h, int r) {
        byte[] out = new byte[f.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sum = 0;
                int n = 0;
                for (int dy = -r; dy <= r; dy++) {
                    for (int dx = -r; dx <= r; dx++) {
                        int yy = Math.min(h - 1, Math.max(0, y + dy));
                        int xx = Math.min(w - 1, Math.max(0, x + dx));
                        sum += f[yy * w + xx] & 0xFF;
                        n++;
                    }
                }
                out[y * w + x] = (byte) (sum / n);
            }
        }
        return out;
    }
}
