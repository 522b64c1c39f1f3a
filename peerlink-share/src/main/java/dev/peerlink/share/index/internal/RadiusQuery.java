package dev.peerlink.share.index.internal;

import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.index.ProviderIndex.Hit;
import java.util.ArrayList;
import java.util.List;

/**
 * One find in progress: the centre's trigonometry, the radius and the nearest hits so far. Cells are scanned
 * nearest first, and once {@code limit} hits are held a cell that cannot hold anything nearer ends the scan, so a
 * find for the few nearest in a dense, wide radius reads a few cells rather than all of them.
 */
public final class RadiusQuery {
    private final double lat, lon, phi, cosPhi, radius;
    // a candidate whose squared half chord exceeds this is beyond the radius, known before the arcsine
    private final double maxHalfChordSquared;
    private final int level;
    private final NearestHeap nearest;
    // the distance a candidate must beat: the radius, then the farthest kept hit once the heap is full
    private double reach;
    private boolean mayHoldDuplicates = true;

    public RadiusQuery(GeoPoint center, double radiusMeters, int limit, int level) {
        this.lat = center.lat();
        this.lon = center.lon();
        this.phi = Math.toRadians(lat);
        this.cosPhi = Math.cos(phi);
        this.radius = radiusMeters;
        // a hair of slack, so rounding in the shortcuts never drops a point the exact distance would keep
        this.maxHalfChordSquared = Haversine.halfChordSquaredOf(radiusMeters * (1 + 1e-9) + 1e-6);
        this.level = level;
        this.nearest = new NearestHeap(limit);
        this.reach = radiusMeters;
    }

    /** Scans those of {@code cells} (of this query's level) that may hold a hit, nearest first. */
    public void scan(CellLevel cellLevel, List<Long> cells) {
        if (cellLevel.level() != level) {
            throw new IllegalArgumentException("query planned for level " + level + ", got " + cellLevel.level());
        }
        CellBucket[] buckets = new CellBucket[cells.size()];
        double[] nearestPossible = new double[cells.size()];
        int n = 0;
        for (Long cell : cells) {
            CellBucket bucket = cellLevel.bucket(cell);
            if (bucket == null) {
                continue;
            }
            double bound = Haversine.meters(phi, cosPhi, lon, bucket.centerLat, bucket.centerLon) - cellLevel.maxOuterRadius();
            if (bound > radius) {
                continue; // the whole cell lies beyond the radius
            }
            int i = n++; // insertion sort: a few dozen to a few hundred cells
            while (i > 0 && nearestPossible[i - 1] > bound) {
                nearestPossible[i] = nearestPossible[i - 1];
                buckets[i] = buckets[i - 1];
                i--;
            }
            nearestPossible[i] = bound;
            buckets[i] = bucket;
        }
        long stamp = cellLevel.refileStamp();
        for (int i = 0; i < n && nearestPossible[i] <= reach; i++) {
            buckets[i].scan(this);
        }
        mayHoldDuplicates = !cellLevel.quietSince(stamp);
    }

    /** Whether {@code limit} hits were found (then nothing beyond the radius scanned could be nearer). */
    public boolean isFull() {
        return nearest.isFull();
    }

    void consider(ProviderEntry entry, long cell) {
        // an entry seen here after it moved to another cell is counted there instead
        if (entry.cell(level) != cell) {
            return;
        }
        double la, lo, al;
        int stamp;
        do {
            stamp = entry.beginRead();
            la = entry.rawLat();
            lo = entry.rawLon();
            al = entry.rawAlt();
        } while (!entry.validate(stamp));
        // ground distance is at least the meridian arc between the latitudes: a check without trigonometry (NaN,
        // no position, fails it too)
        if (!(Math.abs(la - lat) * Haversine.METERS_PER_DEGREE <= reach * (1 + 1e-9) + 1e-6)) {
            return;
        }
        double a = Haversine.halfChordSquared(phi, cosPhi, lon, la, lo);
        if (a > maxHalfChordSquared) {
            return;
        }
        double d = Haversine.metersOf(a);
        if (d <= reach) {
            nearest.offer(d, entry.deviceId(), la, lo, al);
            if (nearest.isFull()) {
                reach = nearest.worstMeters();
            }
        }
    }

    /**
     * The hits, nearest first. A provider that changed cells while the query ran may have been seen in both; it is
     * reported once, at its nearer sighting (the check runs only when a refile overlapped the scan).
     */
    public List<Hit> hits() {
        List<Hit> hits = new ArrayList<>(nearest.size());
        IdSet seen = mayHoldDuplicates ? new IdSet(nearest.size()) : null;
        nearest.drainAscending((meters, id, la, lo, al) -> {
            if (seen == null || seen.add(id)) {
                hits.add(new Hit(id, GeoPoint.of(la, lo, al), meters));
            }
        });
        return hits;
    }

    /** Open addressing on the ids' cached hash codes: a reference slot or two per hit rather than a HashSet node. */
    private static final class IdSet {
        private final String[] table;
        private final int shift;

        IdSet(int expected) {
            int bits = 32 - Integer.numberOfLeadingZeros(Math.max(2, expected) * 2 - 1) + 1; // load at most 1/2
            table = new String[1 << bits];
            shift = 32 - bits;
        }

        boolean add(String id) {
            int mask = table.length - 1;
            // Fibonacci hashing: the product's top bits depend on all of the hash code's bits
            for (int i = (id.hashCode() * 0x9E3779B9) >>> shift; ; i = (i + 1) & mask) {
                String there = table[i];
                if (there == null) {
                    table[i] = id;
                    return true;
                }
                if (there.equals(id)) {
                    return false;
                }
            }
        }
    }
}
