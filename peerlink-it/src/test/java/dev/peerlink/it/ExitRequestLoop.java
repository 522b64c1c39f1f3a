package dev.peerlink.it;

import dev.peerlink.testkit.netns.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An application that keeps fetching {@code /ip} through the requester's SOCKS5 proxy, one short request after
 * another (each curl with a small {@code --max-time}), and records every attempt: when it started and ended, whether
 * it succeeded, and which provider's router the web server saw it come from. Failover is measured on these records.
 */
final class ExitRequestLoop implements AutoCloseable {
    /** One request: nanoTime at start and end, the curl result, the source address the web server saw ("" if none). */
    record Attempt(long startNanos, long endNanos, ExitBed.Curl curl, String via) {
        boolean ok() {
            return curl.ok() && !via.isEmpty();
        }
    }

    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    ExitRequestLoop(Host requester, Path dir, double maxTimeS) {
        Path out = dir.resolve("loop-" + System.nanoTime() + ".out");
        thread = Thread.ofPlatform().name("exit-request-loop").daemon().start(() -> {
            while (!stop) {
                long start = System.nanoTime();
                ExitBed.Curl c = ExitBed.curl(requester, out, maxTimeS, ExitBed.socks(ExitWeb.base(false) + "/ip"));
                String via = "";
                try {
                    if (c.ok()) {
                        via = Files.readString(out).strip();
                    }
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    via = "";
                }
                attempts.add(new Attempt(start, System.nanoTime(), c, via));
            }
        });
    }

    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Successful requests that ended after {@code sinceNanos} and came through {@code wan}. */
    long successesVia(String wan, long sinceNanos) {
        return attempts.stream().filter(a -> a.ok() && a.via().equals(wan) && a.endNanos() > sinceNanos).count();
    }

    /** The first request that started after {@code sinceNanos} and succeeded through another exit than {@code notVia}. */
    Optional<Attempt> firstSuccessAfter(long sinceNanos, String notVia) {
        return attempts.stream().filter(a -> a.startNanos() > sinceNanos && a.ok() && !a.via().equals(notVia)).findFirst();
    }

    /** Requests that ended after {@code sinceNanos} and failed. */
    long failuresAfter(long sinceNanos) {
        return attempts.stream().filter(a -> a.endNanos() > sinceNanos && !a.ok()).count();
    }

    /** A short account of the attempts since {@code sinceNanos}, for failure messages and the report. */
    String describe(long sinceNanos) {
        StringBuilder s = new StringBuilder();
        for (Attempt a : attempts) {
            if (a.endNanos() > sinceNanos) {
                s.append(String.format("  %+6d ms .. %+6d ms: curl %d http %d via %s %s%n", (a.startNanos() - sinceNanos) / 1_000_000,
                        (a.endNanos() - sinceNanos) / 1_000_000, a.curl().exit(), a.curl().http(),
                        a.via().isEmpty() ? "-" : a.via(), a.curl().error()));
            }
        }
        return s.toString();
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
