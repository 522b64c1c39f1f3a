package dev.peerlink.protocol.internal;

import io.netty.channel.Channel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands one connection's events from its event loop to an executor, one at a time and in order, and bounds what
 * waits: past {@code readAheadBytes} queued, the channel stops reading (so a slow or blocked listener pushes back on
 * the server through TCP instead of growing a queue); it reads again once the listener has caught up to half that.
 * Pausing and resuming both happen on the event loop, so they cannot overtake each other.
 */
final class OrderedDispatch {
    private static final System.Logger LOG = System.getLogger(OrderedDispatch.class.getName());
    /** Charged per event beside its payload, so a flood of tiny messages is bounded too. */
    private static final int EVENT_COST = 64;

    private final Channel channel;
    private final Executor executor;
    private final long readAheadBytes;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile boolean paused; // written on the event loop only

    OrderedDispatch(Channel channel, Executor executor, long readAheadBytes) {
        this.channel = channel;
        this.executor = executor;
        this.readAheadBytes = readAheadBytes;
    }

    /** On the event loop: queues {@code task}, charged {@code bytes}; stops reading when too much waits. */
    void submit(long bytes, Runnable task) {
        long cost = bytes + EVENT_COST;
        // pause before the task can run: its release must see the pause, or reading could stay off for good
        if (queuedBytes.addAndGet(cost) > readAheadBytes && !paused) {
            paused = true;
            channel.config().setAutoRead(false);
        }
        queue.add(() -> {
            try {
                task.run();
            } finally {
                release(cost);
            }
        });
        if (draining.compareAndSet(false, true)) {
            schedule();
        }
    }

    private void release(long cost) {
        if (queuedBytes.addAndGet(-cost) <= readAheadBytes / 2 && paused) {
            channel.eventLoop().execute(this::resumeIfDrained);
        }
    }

    private void resumeIfDrained() {
        if (paused && queuedBytes.get() <= readAheadBytes / 2) {
            paused = false;
            channel.config().setAutoRead(true);
        }
    }

    private void schedule() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // the owner shut its executor down: nobody is left to tell, or to close the connection
            queue.clear();
            draining.set(false);
            channel.close();
        }
    }

    /**
     * Runs one event per executor task, then queues the next behind whatever the owner queued meanwhile: on a
     * single-thread executor (the signalling client's) events interleave with the owner's own tasks in the order they
     * happened, as when each was submitted on its own; on a pool they still run one at a time.
     */
    private void drain() {
        Runnable r = queue.poll();
        if (r != null) {
            try {
                r.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, "WebSocket listener failed", e);
            }
        }
        if (!queue.isEmpty()) {
            schedule();
            return;
        }
        draining.set(false);
        if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
            schedule();
        }
    }
}
