package dev.peerlink.peer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Requests issued while a signalling client is between connections: each waits for the next registration, at most
 * its own timeout, so a connect during a server move either goes out once the device re-registered or fails with a
 * clear error; it never hangs. Confined to the client's scheduler thread.
 */
public final class RegistrationWaiters {
    private record Waiter(CompletableFuture<Duration> future, long deadline, ScheduledFuture<?> timer) {}

    private final ScheduledExecutorService exec;
    private final List<Waiter> waiting = new ArrayList<>();

    public RegistrationWaiters(ScheduledExecutorService exec) {
        this.exec = exec;
    }

    /** Completes with the time left of {@code timeout} at the next {@link #registered}; fails with {@code onTimeout}'s error. */
    public CompletableFuture<Duration> await(Duration timeout, Supplier<? extends RuntimeException> onTimeout) {
        CompletableFuture<Duration> f = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        Waiter[] self = new Waiter[1];
        ScheduledFuture<?> timer = exec.schedule(() -> {
            if (waiting.remove(self[0])) {
                f.completeExceptionally(onTimeout.get());
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        self[0] = new Waiter(f, deadline, timer);
        waiting.add(self[0]);
        return f;
    }

    public void registered() {
        List<Waiter> now = List.copyOf(waiting);
        waiting.clear();
        long t = System.nanoTime();
        for (Waiter w : now) {
            w.timer().cancel(false);
            // a request needs some time of its own: at least a millisecond, so its timer is not already due
            w.future().complete(Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), w.deadline() - t)));
        }
    }

    public void failAll(RuntimeException e) {
        List<Waiter> now = List.copyOf(waiting);
        waiting.clear();
        for (Waiter w : now) {
            w.timer().cancel(false);
            w.future().completeExceptionally(e);
        }
    }
}
