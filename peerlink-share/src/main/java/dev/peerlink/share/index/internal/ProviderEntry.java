package dev.peerlink.share.index.internal;

import dev.peerlink.share.geo.GeoPoint;
import java.util.Set;

/**
 * One provider: the single object the index keeps per device, referenced from its cell buckets and network
 * sets. Writers change it while holding its monitor; queries read the volatile fields without locking.
 */
public final class ProviderEntry {
    /** Cell id meaning "in no cell" (H3 never issues 0). */
    public static final long NO_CELL = 0;

    private final String deviceId;
    private volatile GeoPoint point;
    // the cell this entry is filed under at each of the index's levels (finest first); at most three levels
    private volatile long cell0, cell1, cell2;
    // position in each level's bucket array, guarded by that bucket's write lock
    private int slot0, slot1, slot2;
    private Set<String> networks = Set.of();
    private boolean removed;

    public ProviderEntry(String deviceId) {
        this.deviceId = deviceId;
    }

    public String deviceId() {
        return deviceId;
    }

    public GeoPoint point() {
        return point;
    }

    public void point(GeoPoint point) {
        this.point = point;
    }

    public long cell(int level) {
        return switch (level) {
            case 0 -> cell0;
            case 1 -> cell1;
            case 2 -> cell2;
            default -> throw new IndexOutOfBoundsException(level);
        };
    }

    public void cell(int level, long cell) {
        switch (level) {
            case 0 -> cell0 = cell;
            case 1 -> cell1 = cell;
            case 2 -> cell2 = cell;
            default -> throw new IndexOutOfBoundsException(level);
        }
    }

    int slot(int level) {
        return switch (level) {
            case 0 -> slot0;
            case 1 -> slot1;
            case 2 -> slot2;
            default -> throw new IndexOutOfBoundsException(level);
        };
    }

    void slot(int level, int slot) {
        switch (level) {
            case 0 -> slot0 = slot;
            case 1 -> slot1 = slot;
            case 2 -> slot2 = slot;
            default -> throw new IndexOutOfBoundsException(level);
        }
    }

    /** The network ids it reports; guarded by this entry's monitor. */
    public Set<String> networks() {
        return networks;
    }

    public void networks(Set<String> networks) {
        this.networks = networks;
    }

    /** Whether it was removed from the index; a put that finds it so must start over with a fresh entry. */
    public boolean isRemoved() {
        return removed;
    }

    public void markRemoved() {
        removed = true;
    }

    @Override
    public String toString() {
        return "ProviderEntry[" + deviceId + " at " + point + "]";
    }
}
