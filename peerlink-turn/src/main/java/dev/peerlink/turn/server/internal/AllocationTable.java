package dev.peerlink.turn.server.internal;

import dev.peerlink.turn.server.Refusal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Allocations by 5-tuple, with the per-user and total quotas. Lookups are lock-free; admission and
 * removal take a lock so the quota counts and the map never disagree.
 */
final class AllocationTable {
    private final ConcurrentHashMap<FiveTuple, Allocation> byTuple = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private final int maxTotal;
    private final int maxPerUser;

    AllocationTable(int maxTotal, int maxPerUser) {
        this.maxTotal = maxTotal;
        this.maxPerUser = maxPerUser;
    }

    Allocation get(FiveTuple tuple) {
        return byTuple.get(tuple);
    }

    /** Admits {@code a}, or says which limit refuses it (ALLOCATION_MISMATCH when the tuple is taken). */
    synchronized Refusal admit(Allocation a) {
        if (byTuple.containsKey(a.tuple)) {
            return Refusal.ALLOCATION_MISMATCH;
        }
        int mine = perUser.getOrDefault(a.quotaUser, 0);
        if (mine >= maxPerUser) {
            return Refusal.USER_QUOTA;
        }
        if (byTuple.size() >= maxTotal) {
            return Refusal.CAPACITY;
        }
        byTuple.put(a.tuple, a);
        perUser.put(a.quotaUser, mine + 1);
        return null;
    }

    /** False when {@code a} was already gone (so callers count each removal once). */
    synchronized boolean remove(Allocation a) {
        if (!byTuple.remove(a.tuple, a)) {
            return false;
        }
        perUser.computeIfPresent(a.quotaUser, (u, n) -> n > 1 ? n - 1 : null);
        return true;
    }

    List<Allocation> snapshot() {
        return List.copyOf(byTuple.values());
    }

    int size() {
        return byTuple.size();
    }
}
