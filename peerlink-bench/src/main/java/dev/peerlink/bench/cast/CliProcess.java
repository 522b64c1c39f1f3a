package dev.peerlink.bench.cast;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code peerlink} CLI process ({@code java -jar peerlink.jar ...}, the JVM options {@code ./peerlink} uses),
 * started by the benchmark. Its output lines (stderr, with the JSON events, and stdout) are kept with their arrival wall-clock time, so the
 * benchmark can wait for an event and know when it came.
 */
final class CliProcess implements AutoCloseable {
    /** One output line: its position, when the benchmark read it (ms since the epoch) and the text. */
    record Line(int index, long millis, String text) {}

    /** A matched line and the match. */
    record Event(Line line, Matcher match) {
        String group(int i) {
            return match.group(i);
        }
    }

    private final String name;
    private final Process process;
    private final long startMillis;
    private final List<Line> lines = new ArrayList<>(); // guarded by this
    private boolean eof; // guarded by this

    private CliProcess(String name, Process process, long startMillis) {
        this.name = name;
        this.process = process;
        this.startMillis = startMillis;
        Thread.ofPlatform().daemon().name("stderr-" + name).start(this::pump);
    }

    static CliProcess start(Path jar, String name, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString()));
        cmd.addAll(args);
        long t = System.currentTimeMillis(); // the process start, as a user would count it: the JVM's start-up is included
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start(); // events on stderr, the server's banner on stdout
        return new CliProcess(name, p, t);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String s;
            while ((s = r.readLine()) != null) {
                long now = System.currentTimeMillis();
                synchronized (this) {
                    lines.add(new Line(lines.size(), now, s));
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the process is gone; eof below wakes the waiters
        }
        synchronized (this) {
            eof = true;
            notifyAll();
        }
    }

    long pid() {
        return process.pid();
    }

    long startMillis() {
        return startMillis;
    }

    /** The first line at or after {@code from} matching {@code p}; fails when the process ends or the time is up. */
    synchronized Event await(Pattern p, int from, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int i = from;
        while (true) {
            for (; i < lines.size(); i++) {
                Matcher m = p.matcher(lines.get(i).text());
                if (m.find()) {
                    return new Event(lines.get(i), m);
                }
            }
            long left = deadline - System.nanoTime();
            if (eof || left <= 0) {
                throw new IllegalStateException(name + ": no line matching " + p + (eof ? " before it ended" : " within " + timeout)
                        + "; last lines:\n" + tail(15));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    Event await(Pattern p, Duration timeout) throws InterruptedException {
        return await(p, 0, timeout);
    }

    int exit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not exit within " + timeout + "; last lines:\n" + tail(15));
        }
        return process.exitValue();
    }

    synchronized String tail(int n) {
        StringBuilder b = new StringBuilder();
        for (Line l : lines.subList(Math.max(0, lines.size() - n), lines.size())) {
            b.append("  ").append(name).append(": ").append(l.text()).append('\n');
        }
        return b.toString();
    }

    /** SIGTERM (the CLI's shutdown hook closes the recorder), then SIGKILL if it hangs. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
