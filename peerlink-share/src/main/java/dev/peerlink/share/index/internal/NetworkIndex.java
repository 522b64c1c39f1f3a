package dev.peerlink.share.index.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Network id to the providers reporting it (a Redis set per network id, in memory). */
public final class NetworkIndex {
    private final ConcurrentHashMap<String, Set<ProviderEntry>> byNetwork = new ConcurrentHashMap<>();

    /** Files the entry under exactly {@code networks}; call holding the entry's monitor. */
    public void update(ProviderEntry entry, Set<String> networks) {
        Set<String> old = entry.networks();
        if (old.equals(networks)) {
            return; // the common refresh: nothing to do, nothing copied
        }
        Set<String> now = Set.copyOf(networks);
        for (String network : old) {
            if (!now.contains(network)) {
                unfile(entry, network);
            }
        }
        for (String network : now) {
            if (!old.contains(network)) {
                // compute, not computeIfAbsent + add, so a concurrent unfile cannot drop the set under us
                byNetwork.compute(network, (k, set) -> {
                    Set<ProviderEntry> s = set != null ? set : ConcurrentHashMap.newKeySet();
                    s.add(entry);
                    return s;
                });
            }
        }
        entry.networks(now);
    }

    /** Removes the entry from all its networks; call holding the entry's monitor. */
    public void removeAll(ProviderEntry entry) {
        for (String network : entry.networks()) {
            unfile(entry, network);
        }
        entry.networks(Set.of());
    }

    public List<String> idsOn(Set<String> networks, int limit) {
        Set<String> ids = new LinkedHashSet<>();
        for (String network : networks) {
            Set<ProviderEntry> set = byNetwork.get(network);
            if (set == null) {
                continue;
            }
            for (ProviderEntry entry : set) {
                if (ids.add(entry.deviceId()) && ids.size() == limit) {
                    return List.copyOf(ids);
                }
            }
        }
        return List.copyOf(ids);
    }

    /** Number of network ids with at least one provider. */
    public int networkCount() {
        return byNetwork.size();
    }

    private void unfile(ProviderEntry entry, String network) {
        byNetwork.computeIfPresent(network, (k, set) -> {
            set.remove(entry);
            return set.isEmpty() ? null : set;
        });
    }
}
