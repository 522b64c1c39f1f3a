package dev.peerlink.testkit.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A long-running process inside a host's namespace. Output lines of both streams are captured so tests can wait
 * for a line ({@link #awaitOutput}) instead of sleeping. Closing kills the whole process tree.
 */
public final class HostProcess implements AutoCloseable {
    private final String label;
    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    HostProcess(String label, List<String> command) {
        this.label = label;
        try {
            this.process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        outReader = Thread.ofVirtual().start(() -> pump(process.getInputStream(), stdout));
        errReader = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), stderr));
    }

    private void pump(InputStream in, List<String> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (this) {
                    sink.add(line);
                    notifyAll();
                }
            }
        } catch (IOException ignored) {
            // The process died or was killed; what was read stays available.
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /**
     * Waits until a line of stdout or stderr matches {@code pattern} (lines already printed count) and returns the
     * match. Fails fast, with the output so far, if the process exits first or the timeout passes.
     */
    public Matcher awaitOutput(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            int seenOut = 0;
            int seenErr = 0;
            while (true) {
                for (; seenOut < stdout.size(); seenOut++) {
                    Matcher m = pattern.matcher(stdout.get(seenOut));
                    if (m.find()) {
                        return m;
                    }
                }
                for (; seenErr < stderr.size(); seenErr++) {
                    Matcher m = pattern.matcher(stderr.get(seenErr));
                    if (m.find()) {
                        return m;
                    }
                }
                boolean readersDone = !outReader.isAlive() && !errReader.isAlive();
                if (readersDone && seenOut == stdout.size() && seenErr == stderr.size()) {
                    throw new IllegalStateException(label + " exited (" + exitCode().map(String::valueOf).orElse("?")
                            + ") without printing /" + pattern + "/\n" + describeOutput());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("timed out after " + timeout + " waiting for /" + pattern
                            + "/ from " + label + "\n" + describeOutput());
                }
                try {
                    // Bounded wait: reader threads notify on every line and at end of stream.
                    TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    /** Waits for the process to exit; returns its exit code, or throws (and kills it) on timeout. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new IllegalStateException(label + " did not exit within " + timeout + "\n" + describeOutput());
            }
            outReader.join(Duration.ofSeconds(5));
            errReader.join(Duration.ofSeconds(5));
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** Stdin of the process, for programs driven by commands. */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Snapshot of the stdout lines captured so far. */
    public synchronized List<String> stdoutLines() {
        return List.copyOf(stdout);
    }

    /** Snapshot of the stderr lines captured so far. */
    public synchronized List<String> stderrLines() {
        return List.copyOf(stderr);
    }

    /** Both streams so far, for failure messages. */
    public synchronized String describeOutput() {
        return "--- stdout of " + label + " ---\n" + String.join("\n", stdout)
                + "\n--- stderr of " + label + " ---\n" + String.join("\n", stderr);
    }

    /** Kills the process and all its descendants (TERM first, then KILL). */
    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (ProcessHandle ph : tree) {
            try {
                ph.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                ph.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() {
        return label + "(pid " + process.pid() + ")";
    }
}
