package dev.peerlink.exit.proxy.internal;

import dev.peerlink.exit.ExitException;
import dev.peerlink.exit.ExitFlow;
import dev.peerlink.exit.wire.ExitError;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens a flow for one client connection and reports the outcome on the connection's event loop, exactly once. A
 * flow that arrives after the dial timed out or after the client went away is closed at once, so no flow leaks.
 */
final class FlowDial {
    interface Outcome {
        void opened(TrackedFlow flow);

        void failed(ExitError error);
    }

    private FlowDial() {}

    static void open(ProxyContext px, Channel ch, String host, int port, Outcome outcome) {
        CompletableFuture<ExitFlow> future;
        try {
            future = px.dialer().open(host, port);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        if (future == null) {
            future = CompletableFuture.failedFuture(new IllegalStateException("dialer returned no future"));
        }
        AtomicBoolean decided = new AtomicBoolean();
        ScheduledFuture<?> timer = ch.eventLoop().schedule(() -> {
            if (decided.compareAndSet(false, true) && ch.isActive()) {
                px.failed(ExitError.TIMEOUT);
                outcome.failed(ExitError.TIMEOUT);
            }
        }, px.limits().dialTimeout().toNanos(), TimeUnit.NANOSECONDS);
        ch.closeFuture().addListener(f -> timer.cancel(false)); // a flow arriving later is closed in deliver()
        future.whenComplete((flow, error) -> {
            try {
                ch.eventLoop().execute(() -> deliver(px, ch, flow, error, decided, timer, outcome));
            } catch (RejectedExecutionException e) {
                closeQuietly(flow); // the proxy is shutting down
            }
        });
    }

    private static void deliver(ProxyContext px, Channel ch, ExitFlow flow, Throwable error, AtomicBoolean decided,
                                ScheduledFuture<?> timer, Outcome outcome) {
        timer.cancel(false);
        if (!decided.compareAndSet(false, true) || !ch.isActive()) {
            closeQuietly(flow);
            return;
        }
        if (flow != null) {
            outcome.opened(px.track(flow));
            return;
        }
        ExitError reason = reasonOf(error);
        px.failed(reason);
        outcome.failed(reason);
    }

    static ExitError reasonOf(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof ExitException e ? e.error() : ExitError.INTERNAL;
    }

    private static void closeQuietly(ExitFlow flow) {
        if (flow != null) {
            try {
                flow.close();
            } catch (RuntimeException ignored) {
                // nothing more to do with a flow nobody wants
            }
        }
    }
}
