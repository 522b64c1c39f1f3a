package dev.peerlink.testkit.tools;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A stock tool (ffmpeg, ffprobe, rtmpdump, Xvfb...) run as a subprocess for interop tests; its output (stdout and
 * stderr together) goes to a temporary file, for assertions and failure messages.
 */
public final class ExternalTool implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ExternalTool(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Skips the calling test, printing why, when {@code tool} (from Debian package {@code pkg}) is missing. */
    public static void assumeOnPath(String tool, String pkg) {
        if (!onPath(tool)) {
            System.out.println("skipping: " + tool + " is not installed (apt-get install " + pkg + ")");
        }
        Assumptions.assumeTrue(onPath(tool), tool + " is not installed (apt-get install " + pkg + ")");
    }

    public static ExternalTool start(List<String> command) throws IOException {
        Path log = Files.createTempFile("peerlink-tool-", ".log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return new ExternalTool(p, log);
    }

    /** Runs {@code command} to its end (at most {@code timeout}) and returns it, exited; see {@link #exitCode()}. */
    public static ExternalTool run(Duration timeout, List<String> command) throws IOException, InterruptedException {
        ExternalTool t = start(command);
        if (!t.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            t.process.destroyForcibly();
            t.process.waitFor(3, TimeUnit.SECONDS);
        }
        return t;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the end; the exit code, or -1 when still running after {@code timeout}. */
    public int waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** The tool's output so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(3, TimeUnit.SECONDS);
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a leftover temp log is harmless
        }
    }
}
