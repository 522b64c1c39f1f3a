package dev.peerlink.share.index.internal;

import dev.peerlink.share.geo.GeoPoint;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;

/**
 * One provider: the single object the index keeps per device, referenced from its cell buckets and network
 * sets. Its position is three plain doubles (no point object to chase in a scan), published by a sequence lock:
 * writers change the entry holding its monitor; queries read without locking and retry if a write overlapped.
 */
public final class ProviderEntry {
    /** Cell id meaning "in no cell" (H3 never issues 0). */
    public static final long NO_CELL = 0;
    private static final VarHandle VERSION;

    static {
        try {
            VERSION = MethodHandles.lookup().findVarHandle(ProviderEntry.class, "version", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String deviceId;
    // odd while a position write is in progress
    private int version;
    // latitude NaN: no position (the provider reports network ids only)
    private double lat = Double.NaN, lon, alt;
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

    /** Sets the position (null for none); call holding this entry's monitor. */
    public void position(GeoPoint point) {
        int v = version;
        VERSION.setOpaque(this, v + 1);
        VarHandle.storeStoreFence(); // the odd version is visible before any of the new coordinates
        if (point == null) {
            lat = Double.NaN;
        } else {
            lat = point.lat();
            lon = point.lon();
            alt = point.alt();
        }
        VERSION.setRelease(this, v + 2);
    }

    /** Whether it has a position; call holding this entry's monitor. */
    public boolean hasPosition() {
        return !Double.isNaN(lat);
    }

    /** Its position, read consistently (null if none). */
    public GeoPoint point() {
        while (true) {
            int stamp = beginRead();
            double la = lat, lo = lon, al = alt;
            if (validate(stamp)) {
                return Double.isNaN(la) ? null : GeoPoint.of(la, lo, al);
            }
        }
    }

    /** Starts an optimistic read of the coordinates: read them with the raw accessors, then {@link #validate}. */
    int beginRead() {
        int v;
        while (((v = (int) VERSION.getAcquire(this)) & 1) != 0) {
            Thread.onSpinWait(); // a write is a few stores long
        }
        return v;
    }

    /** Whether the coordinates read since {@code stamp} were one consistent position. */
    boolean validate(int stamp) {
        VarHandle.loadLoadFence(); // the coordinate reads complete before the version is read again
        return (int) VERSION.getOpaque(this) == stamp;
    }

    double rawLat() {
        return lat;
    }

    double rawLon() {
        return lon;
    }

    double rawAlt() {
        return alt;
    }

    public long cell(int level) {
        return switch (level) {
            case 0 -> cell0;
            case 1 -> cell1;
            case 2 -> cell2;
            default -> throw new IndexOutOfBoundsException(level);
        };
    }

    void cell(int level, long cell) {
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
        return "ProviderEntry[" + deviceId + " at " + point() + "]";
    }
}
