package dev.peerlink.exit.pool;

import dev.peerlink.exit.ExitException;
import dev.peerlink.exit.ExitFlow;
import dev.peerlink.exit.wire.ExitError;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Opens a flow on the pool's current exit, and when that exit fails or stalls before the provider answered, on the
 * best other live one: the open is the pool's failover for flows that have not started yet.
 */
final class FlowOpener {
    /** What the opener needs of the pool. */
    interface Exits {
        ProviderLink current();

        List<ProviderLink> links();

        void lost(ProviderLink link, String reason);
    }

    /** Opening a flow blocks on the provider's reply: one virtual thread each. */
    private static final ExecutorService OPENERS = Executors.newVirtualThreadPerTaskExecutor();

    private final Exits exits;

    FlowOpener(Exits exits) {
        this.exits = exits;
    }

    CompletableFuture<ExitFlow> open(String host, int port) {
        return CompletableFuture.supplyAsync(() -> {
            // a connection-level failure fails over at once to the next exit; a refusal is the destination's answer
            Set<ProviderLink> tried = new java.util.HashSet<>();
            for (ProviderLink link = pick(tried); link != null; link = pick(tried)) {
                tried.add(link);
                try {
                    return openWatching(link, host, port);
                } catch (ExitException e) {
                    throw new java.util.concurrent.CompletionException(e);
                } catch (IOException e) {
                    if (!(e instanceof StalledException)) {
                        link.closed = true;
                        exits.lost(link, "stream failed: " + e.getMessage());
                    }
                }
            }
            throw new java.util.concurrent.CompletionException(new ExitException(ExitError.NO_EXIT,
                    tried.isEmpty() ? "no exit connected" : "every connected exit failed"));
        }, OPENERS);
    }

    /** The exit went silent while a flow was opening on it. */
    private static final class StalledException extends IOException {
        StalledException(String id) {
            super(id + " stalled while opening");
        }
    }

    /**
     * Opens on {@code link}, giving up when the link stalls meanwhile: no application byte has been sent before the
     * provider's reply, so the open is safe to repeat on the next exit (a request made just as a provider dies does not
     * hang until the provider is declared lost).
     */
    private ExitFlow openWatching(ProviderLink link, String host, int port) throws IOException {
        CompletableFuture<ExitFlow> f = CompletableFuture.supplyAsync(() -> {
            try {
                return link.open(host, port);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, OPENERS);
        while (true) {
            try {
                return f.get(ExitPool.PING_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (link.closed || ExitScore.unusable(link.meter.silentMs(System.nanoTime()))) {
                    // a late success is closed at once: the flow moved on
                    f.thenAccept(ExitFlow::close);
                    throw new StalledException(link.id);
                }
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                throw c instanceof IOException io ? io : new IOException(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                f.thenAccept(ExitFlow::close);
                throw new ExitException(ExitError.INTERNAL, "interrupted");
            }
        }
    }

    /** The current exit, or when it failed the best other live one; null when none is left. */
    private ProviderLink pick(Set<ProviderLink> tried) {
        ProviderLink c = exits.current();
        if (c != null && !c.closed && !tried.contains(c)) {
            return c;
        }
        long now = System.nanoTime();
        ProviderLink best = null;
        for (ProviderLink l : exits.links()) {
            if (!l.closed && !tried.contains(l) && (best == null || l.score(now) > best.score(now))) {
                best = l;
            }
        }
        return best;
    }
}
