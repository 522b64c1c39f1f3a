package dev.peerlink.testkit.netns;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs short-lived commands to completion with a timeout (the bed's only way to touch the system). */
final class Shell {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private Shell() {
    }

    static ExecResult run(List<String> command) {
        return run(DEFAULT_TIMEOUT, command, null);
    }

    /** Runs {@code command}, feeding {@code stdin} if non-null; kills the process tree on timeout. */
    static ExecResult run(Duration timeout, List<String> command, String stdin) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new ExecResult(List.copyOf(command), 127, "", e.toString());
        }
        // Drain both pipes concurrently so a chatty command cannot block on a full pipe.
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new ExecResult(List.copyOf(command), 124, out.getNow(""),
                        err.getNow("") + "\n[timed out after " + timeout + "]");
            }
            return new ExecResult(List.copyOf(command), p.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + command, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, Thread::startVirtualThread);
    }
}
