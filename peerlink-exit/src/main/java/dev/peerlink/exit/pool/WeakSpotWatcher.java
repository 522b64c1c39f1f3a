package dev.peerlink.exit.pool;

import dev.peerlink.share.Location;
import dev.peerlink.share.wire.ShareBody;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Connects ahead of weak spots (seed 001): fed the device's fixes, every {@link Lookahead#STEP_S} s of movement it
 * asks the QoS map about the road ahead and asks the pool for one more provider while a weak cell lies there, back
 * to the usual number once the road is clear.
 */
public final class WeakSpotWatcher implements Consumer<Location> {
    /** What the watcher says when it changes the target (the CLI prints it). */
    public record Change(int providers, Optional<ShareBody.CellQuality> weak) {}

    private final Function<List<ShareBody.RoutePoint>, CompletableFuture<List<ShareBody.CellQuality>>> qos;
    private final IntConsumer target;
    private final int usual;
    private final Consumer<Change> changes;
    private Location lastCheck;
    private int current;

    public WeakSpotWatcher(Function<List<ShareBody.RoutePoint>, CompletableFuture<List<ShareBody.CellQuality>>> qos,
                           IntConsumer target, int usual, Consumer<Change> changes) {
        this.qos = qos;
        this.target = target;
        this.usual = usual;
        this.current = usual;
        this.changes = changes;
    }

    @Override
    public synchronized void accept(Location fix) {
        Location prev = lastCheck;
        if (prev == null) {
            lastCheck = fix;
            return;
        }
        if (fix.timeMillis() - prev.timeMillis() < Lookahead.STEP_S * 1000L) {
            return;
        }
        lastCheck = fix;
        Lookahead.ahead(prev, fix).ifPresent(route -> qos.apply(route).thenAccept(this::decide));
    }

    private synchronized void decide(List<ShareBody.CellQuality> cells) {
        Optional<ShareBody.CellQuality> weak = Lookahead.firstWeak(cells);
        int want = weak.isPresent() ? usual + 1 : usual;
        if (want != current) {
            current = want;
            target.accept(want);
            changes.accept(new Change(want, weak));
        }
    }
}
