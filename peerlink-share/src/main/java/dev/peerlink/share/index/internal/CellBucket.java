package dev.peerlink.share.index.internal;

import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * The providers filed under one cell at one level: a packed array with O(1) add and remove (each entry
 * remembers its slot). Queries scan under a read lock, so concurrent queries do not block each other and a
 * provider that stays put is never missed because another one left the cell.
 */
final class CellBucket {
    private static final ProviderEntry[] EMPTY = {};

    final long cell;
    final double centerLat, centerLon;
    private final StampedLock lock = new StampedLock();
    private ProviderEntry[] members = EMPTY;
    private int size;
    // set once emptied and about to leave the level's map; adders then retry with a fresh bucket
    private boolean retired;

    CellBucket(long cell, double centerLat, double centerLon) {
        this.cell = cell;
        this.centerLat = centerLat;
        this.centerLon = centerLon;
    }

    /** Adds the entry, or returns false if this bucket was retired and the caller must fetch a fresh one. */
    boolean add(ProviderEntry entry, int level) {
        long stamp = lock.writeLock();
        try {
            if (retired) {
                return false;
            }
            if (size == members.length) {
                members = Arrays.copyOf(members, Math.max(4, size * 2));
            }
            entry.slot(level, size);
            members[size++] = entry;
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Removes the entry; returns true if that emptied (and so retired) the bucket. */
    boolean remove(ProviderEntry entry, int level) {
        long stamp = lock.writeLock();
        try {
            int slot = entry.slot(level);
            if (slot >= size || members[slot] != entry) {
                throw new IllegalStateException(entry + " is not in cell " + Long.toHexString(cell));
            }
            ProviderEntry last = members[--size];
            members[slot] = last;
            last.slot(level, slot);
            members[size] = null;
            if (size == 0) {
                retired = true;
                members = EMPTY;
                return true;
            }
            if (members.length > 16 && size < members.length / 4) {
                members = Arrays.copyOf(members, members.length / 2);
            }
            return false;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    void scan(RadiusQuery query) {
        long stamp = lock.readLock();
        try {
            ProviderEntry[] m = members;
            for (int i = 0, n = size; i < n; i++) {
                query.consider(m[i], cell);
            }
        } finally {
            lock.unlockRead(stamp);
        }
    }
}
