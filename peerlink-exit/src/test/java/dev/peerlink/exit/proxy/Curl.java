package dev.peerlink.exit.proxy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the system curl with a clean proxy environment; its output and exit code. */
final class Curl {
    static final Path CURL = Path.of("/usr/bin/curl");

    record Result(int exit, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private Curl() {}

    static boolean available() {
        return Files.isExecutable(CURL);
    }

    static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CURL.toString(), "-sS", "--max-time", "10"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy")); // no_proxy could bypass -x
        File err = File.createTempFile("curl", ".err");
        try {
            pb.redirectError(err);
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("curl did not finish");
            }
            return new Result(p.exitValue(), out, Files.readString(err.toPath()));
        } finally {
            Files.deleteIfExists(err.toPath());
        }
    }
}
