package dev.peerlink.it;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code peerlink connect} to an echoing peer, timed from the outside as a user sees it: from spawning the process
 * to its {@code connected} line on stderr, and to the first echoed byte on stdout (the input is one short line, so the
 * line arrives with its first byte). Works whatever else connect prints.
 */
final class ConnectTimeRun {
    static final String HELLO = "peerlink-bench-first-byte";

    /** Milliseconds from spawn: connected line, first byte, exit; the ladder's own setupMs; the path. -1 when missing. */
    record Result(int exit, String path, long connectedMs, long firstByteMs, long exitMs, long setupMs, String output) {}

    private ConnectTimeRun() {
    }

    static Result run(BenchCli cli, Host from, String asId, Path home, String target, Path helloFile) {
        String cmd = "exec " + cli.connect(asId, home, target, List.of()) + " < " + LadderBed.quote(helloFile.toString());
        long t0 = System.nanoTime();
        try (HostProcess p = from.start("sh", "-c", cmd)) {
            CompletableFuture<Seen> connected = awaitAsync(p, LadderBed.CONNECTED);
            CompletableFuture<Seen> firstByte = awaitAsync(p, Pattern.compile("^" + HELLO + "$"));
            int exit = p.awaitExit(Duration.ofSeconds(90));
            long exitAt = System.nanoTime();
            Seen c = connected.exceptionally(e -> null).join();
            Seen f = firstByte.exceptionally(e -> null).join();
            return new Result(exit, c == null ? null : c.match().group(1), c == null ? -1 : (c.at() - t0) / 1_000_000,
                    f == null ? -1 : (f.at() - t0) / 1_000_000, (exitAt - t0) / 1_000_000,
                    c == null ? -1 : Long.parseLong(c.match().group(2)), p.describeOutput());
        }
    }

    private record Seen(Matcher match, long at) {}

    /** Waits on its own thread, so the moment it returns is when the line arrived, not when a previous wait ended. */
    private static CompletableFuture<Seen> awaitAsync(HostProcess p, Pattern pattern) {
        CompletableFuture<Seen> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                Matcher m = p.awaitOutput(pattern, Duration.ofSeconds(90));
                f.complete(new Seen(m, System.nanoTime()));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }
}
