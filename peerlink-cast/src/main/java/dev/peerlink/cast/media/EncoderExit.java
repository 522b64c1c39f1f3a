package dev.peerlink.cast.media;

import java.util.List;
import java.util.Objects;

/**
 * Why an encoder ended.
 *
 * @param exitCode  ffmpeg's exit code (0 after a clean end of input or a requested stop; 255 after SIGTERM)
 * @param requested the stop came from {@link FfmpegEncoder#close()}
 * @param error     what went wrong on our side of the pipe (unparseable FLV, a failing tag consumer), or null
 * @param lastStderr ffmpeg's last stderr lines, where it explains its failures
 */
public record EncoderExit(int exitCode, boolean requested, String error, List<String> lastStderr) {
    public EncoderExit {
        lastStderr = List.copyOf(Objects.requireNonNull(lastStderr, "lastStderr"));
    }

    /** Ended because it was asked to, or because its input ended, without an error. */
    public boolean clean() {
        return error == null && (requested || exitCode == 0);
    }

    /** One line for a log or the CLI. */
    public String describe() {
        StringBuilder b = new StringBuilder(requested ? "ffmpeg stopped" : "ffmpeg exited").append(" with code ").append(exitCode);
        if (error != null) {
            b.append(" (").append(error).append(')');
        }
        if (!lastStderr.isEmpty()) {
            b.append(": ").append(String.join(" | ", lastStderr.subList(Math.max(0, lastStderr.size() - 3), lastStderr.size())));
        }
        return b.toString();
    }
}
