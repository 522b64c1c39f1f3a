package dev.peerlink.rtmp.handshake;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A stock tool (ffmpeg, rtmpdump) run as a subprocess for interop tests; output goes to a file for the report. */
final class ExternalTool implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ExternalTool(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static boolean onPath(String tool) {
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

    static ExternalTool start(List<String> command) throws IOException {
        Path log = Files.createTempFile("rtmp-interop-", ".log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return new ExternalTool(p, log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The tool's output so far, for assertion messages. */
    String output() {
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
