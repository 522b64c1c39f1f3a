package dev.peerlink.rtmp.command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the system ffmpeg for test material; skips the calling test (with the reason printed) when it is missing. */
final class Ffmpeg {
    private Ffmpeg() {}

    /** ffmpeg's stdout for {@code args}, e.g. an FLV written to "-". */
    static byte[] stdout(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            System.out.println("skipping: ffmpeg not found on PATH (apt-get install ffmpeg): " + e.getMessage());
            Assumptions.abort("ffmpeg not installed");
            throw e;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("ffmpeg did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException("ffmpeg exited with " + p.exitValue());
        }
        return out.toByteArray();
    }
}
