package dev.peerlink.turn.server.internal;

import dev.peerlink.turn.server.Refusal;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Allocations by 5-tuple, with the per-user and total quotas, and the relayed addresses in use (the only addresses of
 * the server itself an allocation may send to: relay to relay). Lookups are lock-free; admission and removal take a
 * lock so the quota counts and the map never disagree.
 */
final class AllocationTable {
    private final ConcurrentHashMap<FiveTuple, Allocation> byTuple = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private final java.util.Set<InetSocketAddress> relayedInUse = ConcurrentHashMap.newKeySet();
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
        forget(a.relayed);
        forget(a.relayed2);
        return true;
    }

    /** {@code a}'s relayed addresses are live (once bound). */
    synchronized void relayedLive(Allocation a) {
        if (byTuple.get(a.tuple) != a) {
            return; // removed while its socket was bound
        }
        if (a.relayed != null) {
            relayedInUse.add(a.relayed);
        }
        if (a.relayed2 != null) {
            relayedInUse.add(a.relayed2);
        }
    }

    /** A relayed address no longer in use (its allocation or its family went). */
    void forget(InetSocketAddress relayed) {
        if (relayed != null) {
            relayedInUse.remove(relayed);
        }
    }

    /** Whether {@code address} is the relayed address of a live allocation on this server. */
    boolean isRelayed(InetSocketAddress address) {
        return relayedInUse.contains(address);
    }

    List<Allocation> snapshot() {
        return List.copyOf(byTuple.values());
    }

    int size() {
        return byTuple.size();
    }
}
