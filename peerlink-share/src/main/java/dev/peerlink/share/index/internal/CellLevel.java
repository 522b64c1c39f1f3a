package dev.peerlink.share.index.internal;

import com.uber.h3core.H3Core;
import com.uber.h3core.util.LatLng;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The providers bucketed by their H3 cell at one resolution. Knows bounds on its cells' size, from which a
 * query derives how many grid rings cover its radius and which cells lie too far to hold a hit.
 */
public final class CellLevel {
    /**
     * Per resolution 5..9: a lower bound on any cell's inner radius and an upper bound on any cell's outer radius
     * (centre to farthest vertex), in metres. Measured over every pentagon's neighbourhood (where H3 cells are
     * smallest) and 20,000 random cells, then widened by 15 %; CellLevelGeometryTest re-checks them.
     */
    private static final double[][] BOUNDS = {
        {5000, 12_500}, // res 5: measured 6050 / 10837
        {1900, 4_700}, // res 6: measured 2240 / 4096
        {700, 1_800}, // res 7: measured 864 / 1548
        {270, 680}, // res 8: measured 320 / 585
        {100, 260}, // res 9: measured 123 / 221
    };
    public static final int MIN_RESOLUTION = 5, MAX_RESOLUTION = 9;

    private final H3Core h3;
    private final int resolution;
    private final int level;
    private final double minInnerRadius, maxOuterRadius;
    private final ConcurrentHashMap<Long, CellBucket> buckets = new ConcurrentHashMap<>();

    /** A level of an index: {@code level} is this one's position among the index's levels, finest first. */
    public CellLevel(H3Core h3, int resolution, int level) {
        if (resolution < MIN_RESOLUTION || resolution > MAX_RESOLUTION) {
            throw new IllegalArgumentException("resolution must be in [" + MIN_RESOLUTION + ", " + MAX_RESOLUTION + "]");
        }
        this.h3 = h3;
        this.resolution = resolution;
        this.level = level;
        this.minInnerRadius = BOUNDS[resolution - MIN_RESOLUTION][0];
        this.maxOuterRadius = BOUNDS[resolution - MIN_RESOLUTION][1];
    }

    public static double minInnerRadius(int resolution) {
        return BOUNDS[resolution - MIN_RESOLUTION][0];
    }

    public static double maxOuterRadius(int resolution) {
        return BOUNDS[resolution - MIN_RESOLUTION][1];
    }

    public int resolution() {
        return resolution;
    }

    public int level() {
        return level;
    }

    /** Grid rings around the centre's cell that surely contain every point within {@code radiusMeters}. */
    public int diskK(double radiusMeters) {
        return (int) Math.ceil(radiusMeters / minInnerRadius) + 1;
    }

    /** Every point within this of a cell's centre is in the cell. */
    public double minInnerRadius() {
        return minInnerRadius;
    }

    /** No point of a cell is farther than this from its centre. */
    public double maxOuterRadius() {
        return maxOuterRadius;
    }

    public void add(ProviderEntry entry, long cell) {
        while (true) {
            CellBucket bucket = buckets.computeIfAbsent(cell, this::newBucket);
            if (bucket.add(entry, level)) {
                return;
            }
            buckets.remove(cell, bucket); // retired by a concurrent remove that has not unmapped it yet
        }
    }

    public void remove(ProviderEntry entry, long cell) {
        CellBucket bucket = buckets.get(cell);
        if (bucket == null) {
            throw new IllegalStateException(entry + " has no bucket at cell " + Long.toHexString(cell));
        }
        if (bucket.remove(entry, level)) {
            buckets.remove(cell, bucket);
        }
    }

    /** The cell's bucket, or null when no provider is in it. */
    CellBucket bucket(long cell) {
        return buckets.get(cell);
    }

    /** Number of non-empty cells (for tests and diagnostics). */
    public int occupiedCells() {
        return buckets.size();
    }

    /** Providers filed under {@code cell} (for tests and diagnostics). */
    public int countIn(long cell) {
        CellBucket bucket = buckets.get(cell);
        return bucket == null ? 0 : bucket.size();
    }

    private CellBucket newBucket(long cell) {
        LatLng center = h3.cellToLatLng(cell);
        return new CellBucket(cell, center.lat, center.lng);
    }
}
