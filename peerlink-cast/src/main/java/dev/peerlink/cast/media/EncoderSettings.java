package dev.peerlink.cast.media;

import java.util.Objects;
import java.util.Set;

/**
 * How ffmpeg encodes: output size (0×0 keeps the source's, rounded to even), frame rate, target bitrate, GOP length,
 * x264 preset and profile, the VBV window that bounds bursts, audio on/off and an optional duration.
 *
 * @param gopFrames     frames between key frames; a player that joins, or the relay after dropping, waits at most this long
 * @param vbvMillis     {@code -bufsize} as milliseconds of the bitrate: how big a burst (a key frame) may be before x264
 *                      squeezes it; also the worst queueing delay the encoder adds on a link running at exactly the bitrate
 * @param durationMillis stop after this much media time; 0 runs until closed
 */
public record EncoderSettings(int width, int height, int fps, int bitrateKbps, int gopFrames, String preset, String profile,
        int vbvMillis, boolean audio, long durationMillis) {

    public static final int DEFAULT_FPS = 30;
    public static final int DEFAULT_BITRATE_KBPS = 2500;
    /** Used by sources without a natural size (test patterns, the clock) when no size was asked for. */
    public static final int FALLBACK_WIDTH = 1280;
    public static final int FALLBACK_HEIGHT = 720;
    private static final Set<String> PRESETS = Set.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium");
    private static final Set<String> PROFILES = Set.of("baseline", "main", "high");

    public EncoderSettings {
        Objects.requireNonNull(preset, "preset");
        Objects.requireNonNull(profile, "profile");
        if ((width == 0) != (height == 0) || width < 0 || height < 0 || width % 2 != 0 || height % 2 != 0 || width > 7680 || height > 4320
                || (width != 0 && (width < 16 || height < 16))) {
            throw new IllegalArgumentException("size must be even, 16x16..7680x4320 (or 0x0 for the source's): " + width + "x" + height);
        }
        if (fps < 1 || fps > 120) {
            throw new IllegalArgumentException("fps 1..120: " + fps);
        }
        if (bitrateKbps < 50 || bitrateKbps > 200_000) {
            throw new IllegalArgumentException("bitrate 50..200000 kbit/s: " + bitrateKbps);
        }
        if (gopFrames < 1 || gopFrames > 10 * fps) {
            throw new IllegalArgumentException("GOP 1..10 s of frames: " + gopFrames);
        }
        if (!PRESETS.contains(preset)) {
            throw new IllegalArgumentException("preset one of " + PRESETS + ": " + preset);
        }
        if (!PROFILES.contains(profile)) {
            throw new IllegalArgumentException("profile one of " + PROFILES + ": " + profile);
        }
        if (vbvMillis < 1000 / fps || vbvMillis > 10_000) {
            throw new IllegalArgumentException("VBV window one frame..10 s: " + vbvMillis + " ms");
        }
        if (durationMillis < 0) {
            throw new IllegalArgumentException("negative duration");
        }
    }

    /** Source size, 30 fps, 2.5 Mbit/s, 1 s GOP, veryfast, main, 200 ms VBV, no audio, unbounded. */
    public static EncoderSettings defaults() {
        return new EncoderSettings(0, 0, DEFAULT_FPS, DEFAULT_BITRATE_KBPS, DEFAULT_FPS, "veryfast", "main", 200, false, 0);
    }

    /** Parses the CLI's {@code WxH}. */
    public EncoderSettings withSize(String wxh) {
        String[] parts = wxh.toLowerCase(java.util.Locale.ROOT).split("x");
        if (parts.length != 2) {
            throw new IllegalArgumentException("size must be WxH, e.g. 1280x720: " + wxh);
        }
        try {
            return withSize(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size must be WxH, e.g. 1280x720: " + wxh);
        }
    }

    public EncoderSettings withSize(int w, int h) {
        return new EncoderSettings(w, h, fps, bitrateKbps, gopFrames, preset, profile, vbvMillis, audio, durationMillis);
    }

    /** Changes the frame rate and keeps the GOP at the same duration. */
    public EncoderSettings withFps(int f) {
        if (f < 1 || f > 120) {
            throw new IllegalArgumentException("fps 1..120: " + f);
        }
        int gop = Math.max(1, (int) Math.round(gopFrames * (double) f / fps));
        return new EncoderSettings(width, height, f, bitrateKbps, Math.min(gop, 10 * f), preset, profile, Math.max(vbvMillis, 1000 / f), audio, durationMillis);
    }

    public EncoderSettings withBitrate(int kbps) {
        return new EncoderSettings(width, height, fps, kbps, gopFrames, preset, profile, vbvMillis, audio, durationMillis);
    }

    public EncoderSettings withGop(int frames) {
        return new EncoderSettings(width, height, fps, bitrateKbps, frames, preset, profile, vbvMillis, audio, durationMillis);
    }

    public EncoderSettings withPreset(String p) {
        return new EncoderSettings(width, height, fps, bitrateKbps, gopFrames, p, profile, vbvMillis, audio, durationMillis);
    }

    public EncoderSettings withProfile(String p) {
        return new EncoderSettings(width, height, fps, bitrateKbps, gopFrames, preset, p, vbvMillis, audio, durationMillis);
    }

    public EncoderSettings withVbvMillis(int ms) {
        return new EncoderSettings(width, height, fps, bitrateKbps, gopFrames, preset, profile, ms, audio, durationMillis);
    }

    public EncoderSettings withAudio(boolean a) {
        return new EncoderSettings(width, height, fps, bitrateKbps, gopFrames, preset, profile, vbvMillis, a, durationMillis);
    }

    public EncoderSettings withDurationMillis(long ms) {
        return new EncoderSettings(width, height, fps, bitrateKbps, gopFrames, preset, profile, vbvMillis, audio, ms);
    }

    /** True when a size was asked for (otherwise the source's size is kept). */
    public boolean scaled() {
        return width != 0;
    }

    /** The VBV buffer in kbit: {@link #vbvMillis} of the bitrate. */
    public int bufsizeKbit() {
        return (int) Math.max(1, (long) bitrateKbps * vbvMillis / 1000);
    }
}
