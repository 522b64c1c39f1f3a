package dev.peerlink.share.qos.internal;

import dev.peerlink.share.qos.QosBucket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;

/** Bucket snapshots handed out for a flush and not yet confirmed written, one per (cell, hour). Not thread-safe. */
final class PendingWrites {
    private record Key(long cell, int hourOfWeek) {}

    private final Map<Key, QosBucket> pending = new HashMap<>();

    /** Adds a snapshot; one already pending for its bucket is replaced by {@code join(old, b)}. */
    void add(QosBucket b, BinaryOperator<QosBucket> join) {
        pending.merge(new Key(b.cell(), b.hourOfWeek()), b, join);
    }

    QosBucket get(long cell, int hourOfWeek) {
        return pending.get(new Key(cell, hourOfWeek));
    }

    int size() {
        return pending.size();
    }

    List<QosBucket> all() {
        return new ArrayList<>(pending.values());
    }

    /** The batch reached the store: forget those snapshots unless a newer one replaced them meanwhile. */
    void written(List<QosBucket> batch) {
        for (QosBucket b : batch) {
            Key k = new Key(b.cell(), b.hourOfWeek());
            if (pending.get(k) == b) {
                pending.remove(k);
            }
        }
    }
}
