package dev.peerlink.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/** The {@code peerlink} command in a child JVM (for commands that run until stopped), its output lines collected. */
final class CliProcess implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    private CliProcess(Process p) {
        this.process = p;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    static CliProcess start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new CliProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Waits for a line matching {@code regex}; fails with everything printed so far. */
    String await(String regex, Duration timeout) {
        Pattern p = Pattern.compile(regex);
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                .failFast("process exited:\n" + String.join("\n", lines), () -> !process.isAlive() && lines.stream().noneMatch(l -> p.matcher(l).find()))
                .until(() -> lines.stream().anyMatch(l -> p.matcher(l).find()));
        return lines.stream().filter(l -> p.matcher(l).find()).findFirst().orElseThrow();
    }

    String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
