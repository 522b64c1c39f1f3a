package dev.peerlink.cast.media;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The external tools the media tests run, each test skipping with the reason when one is missing. */
public final class MediaTools {
    private MediaTools() {}

    /** The system ffmpeg with libx264, or the test is skipped saying why. */
    public static Ffmpeg ffmpeg() {
        try {
            return Ffmpeg.locate();
        } catch (MissingToolException e) {
            System.out.println("skipping: needs ffmpeg with libx264: " + e.getMessage());
            assumeTrue(false, "needs ffmpeg with libx264: " + e.getMessage());
            throw new AssertionError();
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command to completion (bounded) and returns its stdout; fails the test on a non-zero exit. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (InputStream in = p.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(command + " failed: " + out);
            }
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    /** Runs a command to completion (bounded) and returns its stderr, where ffmpeg reports. */
    static String runStderr(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (InputStream in = p.getErrorStream()) {
            String err = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(command + " failed: " + err);
            }
            return err;
        } finally {
            p.destroyForcibly();
        }
    }

    static List<String> cmd(String... args) {
        return new ArrayList<>(List.of(args));
    }
}
