package dev.peerlink.exit.provider.internal;

import dev.peerlink.exit.wire.ExitError;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters since start: flows opened, refusals by reason, bytes each way. Thread-safe. */
public final class Tally {
    private final LongAdder opened = new LongAdder();
    private final LongAdder up = new LongAdder();
    private final LongAdder down = new LongAdder();
    private final Map<ExitError, LongAdder> refused = new EnumMap<>(ExitError.class);

    public Tally() {
        for (ExitError e : ExitError.values()) {
            refused.put(e, new LongAdder());
        }
    }

    public void opened() {
        opened.increment();
    }

    public void refused(ExitError e) {
        refused.get(e).increment();
    }

    public void bytes(boolean upward, long n) {
        (upward ? up : down).add(n);
    }

    public long openedCount() {
        return opened.sum();
    }

    public long bytes(boolean upward) {
        return (upward ? up : down).sum();
    }

    /** Refusals by reason, reasons never seen left out. */
    public Map<ExitError, Long> refused() {
        Map<ExitError, Long> out = new EnumMap<>(ExitError.class);
        refused.forEach((e, n) -> {
            if (n.sum() > 0) {
                out.put(e, n.sum());
            }
        });
        return out;
    }
}
