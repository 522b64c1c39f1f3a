package dev.peerlink.server.share.internal;

import dev.peerlink.share.index.H3ProviderIndex;
import dev.peerlink.share.index.ProviderIndex;
import dev.peerlink.share.scene.Placement;
import dev.peerlink.share.wire.ShareBody;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The providers currently sharing: their last announce, where they are (in a {@link ProviderIndex}) and when the
 * announce expires. Thread-safe: announces arrive on the connections' event loops, finds read concurrently. The index
 * is the part a multi-instance server swaps for Redis; the entries hold what the index does not.
 */
public final class ProviderRegistry {
    /** One provider. Immutable: a refresh replaces it. */
    public record Entry(String deviceId, ShareBody.Announce announce, Placement placement, long expiresAt) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ProviderIndex index;

    public ProviderRegistry() {
        this(new H3ProviderIndex());
    }

    public ProviderRegistry(ProviderIndex index) {
        this.index = index;
    }

    /** Records or refreshes {@code deviceId}'s announce; returns true when it is new. */
    public boolean announce(String deviceId, ShareBody.Announce a, long expiresAt) {
        Placement placement = new Placement(a.location(), Set.copyOf(a.networks()));
        // index first: a find that sees the entry always finds it in the index too (a stale index hit is skipped)
        index.put(deviceId, a.location() == null ? null : a.location().point(), placement.networks());
        return entries.put(deviceId, new Entry(deviceId, a, placement, expiresAt)) == null;
    }

    public boolean withdraw(String deviceId) {
        Entry e = entries.remove(deviceId);
        index.remove(deviceId);
        return e != null;
    }

    public Entry get(String deviceId) {
        return entries.get(deviceId);
    }

    /** Live providers within {@code radius} m of the point, nearest first. */
    public List<Entry> near(dev.peerlink.share.geo.GeoPoint center, double radius, int limit, long now) {
        List<Entry> out = new ArrayList<>();
        for (ProviderIndex.Hit h : index.near(center, radius, limit)) {
            Entry e = entries.get(h.deviceId());
            if (e != null && e.expiresAt > now) {
                out.add(e);
            }
        }
        return out;
    }

    /** Live providers reporting any of {@code networks}. */
    public List<Entry> onNetworks(Set<String> networks, int limit, long now) {
        List<Entry> out = new ArrayList<>();
        for (String id : index.onNetworks(networks, limit)) {
            Entry e = entries.get(id);
            if (e != null && e.expiresAt > now) {
                out.add(e);
            }
        }
        return out;
    }

    /** Removes expired announces; returns how many. */
    public int expire(long now) {
        int n = 0;
        for (Entry e : entries.values()) {
            if (e.expiresAt <= now && entries.remove(e.deviceId, e)) {
                index.remove(e.deviceId);
                n++;
            }
        }
        return n;
    }

    /** The live announces (a snapshot). */
    public List<Entry> entries(long now) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.expiresAt > now) {
                out.add(e);
            }
        }
        return out;
    }

    public int size() {
        return entries.size();
    }
}
