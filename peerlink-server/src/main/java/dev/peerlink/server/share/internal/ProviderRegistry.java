package dev.peerlink.server.share.internal;

import dev.peerlink.share.index.H3ProviderIndex;
import dev.peerlink.share.index.ProviderIndex;
import dev.peerlink.share.scene.Placement;
import dev.peerlink.share.wire.ShareBody;
import java.util.ArrayList;
import java.util.Collection;
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

    /**
     * Where the announces live: this process (the default) or a store every server instance shares (cluster mode), so
     * that with a shared {@link ProviderIndex} every instance sees the same providers. Thread-safe.
     */
    public interface Announces {
        /** Stores {@code e}; returns the entry it replaced, or null. */
        Entry put(String deviceId, Entry e);

        Entry remove(String deviceId);

        /** Removes the entry only while it is still {@code e} (expiry racing a refresh). */
        boolean remove(String deviceId, Entry e);

        Entry get(String deviceId);

        /** The entries of {@code ids}, in order, null where none (a shared store answers in one round trip). */
        default List<Entry> get(List<String> ids) {
            List<Entry> out = new ArrayList<>(ids.size());
            for (String id : ids) {
                out.add(get(id));
            }
            return out;
        }

        /** A snapshot of every entry, expired ones included. */
        Collection<Entry> all();

        int size();

        /** In this process. */
        static Announces inMemory() {
            ConcurrentHashMap<String, Entry> m = new ConcurrentHashMap<>();
            return new Announces() {
                public Entry put(String id, Entry e) {
                    return m.put(id, e);
                }

                public Entry remove(String id) {
                    return m.remove(id);
                }

                public boolean remove(String id, Entry e) {
                    return m.remove(id, e);
                }

                public Entry get(String id) {
                    return m.get(id);
                }

                public Collection<Entry> all() {
                    return m.values();
                }

                public int size() {
                    return m.size();
                }
            };
        }
    }

    private final Announces entries;
    private final ProviderIndex index;

    public ProviderRegistry() {
        this(new H3ProviderIndex());
    }

    public ProviderRegistry(ProviderIndex index) {
        this(index, Announces.inMemory());
    }

    public ProviderRegistry(ProviderIndex index, Announces announces) {
        this.index = index;
        this.entries = announces;
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
        return live(entries.get(index.near(center, radius, limit).stream().map(ProviderIndex.Hit::deviceId).toList()), now);
    }

    /** Live providers reporting any of {@code networks}. */
    public List<Entry> onNetworks(Set<String> networks, int limit, long now) {
        return live(entries.get(index.onNetworks(networks, limit)), now);
    }

    private static List<Entry> live(List<Entry> found, long now) {
        List<Entry> out = new ArrayList<>(found.size());
        for (Entry e : found) {
            if (e != null && e.expiresAt > now) {
                out.add(e);
            }
        }
        return out;
    }

    /** Removes expired announces; returns how many. */
    public int expire(long now) {
        int n = 0;
        for (Entry e : entries.all()) {
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
        for (Entry e : entries.all()) {
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
