package dev.peerlink.turn.client.internal;

import dev.peerlink.turn.client.AllocationMismatchException;
import dev.peerlink.turn.client.TurnException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one thing alive on the server (the allocation, the permissions, the channels): runs its
 * refresh on the {@link RefreshSchedule}, retries failures while time remains, and gives up
 * (telling the owner) when the server says the allocation is gone or time runs out.
 */
public final class RefreshLoop {
    /** A refresh; returns the lifetime the server granted (or the known fixed one). */
    @FunctionalInterface
    public interface Refresh {
        Duration run() throws TurnException;
    }

    private static final Logger log = LoggerFactory.getLogger(RefreshLoop.class);

    private final String what;
    private final ScheduledExecutorService scheduler;
    private final RefreshSchedule schedule;
    private final Refresh refresh;
    private final AtomicLong successes;
    private final AtomicLong failures;
    private final Consumer<TurnException> onGiveUp;
    private long expiresAtNanos;
    private ScheduledFuture<?> next;
    private boolean stopped;

    public RefreshLoop(String what, ScheduledExecutorService scheduler, RefreshSchedule schedule, Refresh refresh,
                       AtomicLong successes, AtomicLong failures, Consumer<TurnException> onGiveUp) {
        this.what = what;
        this.scheduler = scheduler;
        this.schedule = schedule;
        this.refresh = refresh;
        this.successes = successes;
        this.failures = failures;
        this.onGiveUp = onGiveUp;
    }

    /** Starts (or restarts) the loop for something that was just granted {@code lifetime}. */
    public synchronized void start(Duration lifetime) {
        if (stopped) {
            return;
        }
        expiresAtNanos = System.nanoTime() + lifetime.toNanos();
        reschedule(schedule.refreshAfter(lifetime));
    }

    public synchronized boolean running() {
        return next != null && !stopped;
    }

    public synchronized void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
        }
    }

    private void reschedule(Duration delay) {
        if (next != null) {
            next.cancel(false);
        }
        next = scheduler.schedule(this::runOnce, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void runOnce() {
        synchronized (this) {
            if (stopped) {
                return;
            }
        }
        try {
            Duration granted = refresh.run();
            successes.incrementAndGet();
            start(granted);
        } catch (TurnException | RuntimeException thrown) {
            TurnException e = thrown instanceof TurnException t ? t : new TurnException(what + " refresh crashed", thrown);
            failures.incrementAndGet();
            synchronized (this) {
                if (stopped) {
                    return;
                }
                var retry = e instanceof AllocationMismatchException ? java.util.Optional.<Duration>empty()
                        : schedule.retryAfter(Duration.ofNanos(expiresAtNanos - System.nanoTime()));
                if (retry.isPresent()) {
                    log.debug("{} refresh failed, retrying in {}: {}", what, retry.get(), e.toString());
                    reschedule(retry.get());
                    return;
                }
                stopped = true;
            }
            log.warn("{} refresh failed, giving up: {}", what, e.toString());
            onGiveUp.accept(e);
        }
    }
}
