package dev.peerlink.share.index.internal;

import com.uber.h3core.H3Core;
import com.uber.h3core.util.LatLng;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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
    // bracket every change of an entry's cell, so a scan can tell whether one overlapped it
    private final AtomicLong refilesStarted = new AtomicLong(), refilesFinished = new AtomicLong();

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

    /**
     * Grid rings around the centre's cell that surely contain every point within {@code radiusMeters}. Ring k lies
     * about sqrt(3) k inner radii out; allowing one inner radius per ring, plus a ring, leaves ample room for the
     * centre's offset within its cell and for distortion near pentagons (H3ProviderIndexEdgesTest checks there).
     */
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

    /**
     * Moves the entry from its cell at this level to {@code cell} ({@link ProviderEntry#NO_CELL}: out of the level);
     * call holding the entry's monitor.
     */
    public void refile(ProviderEntry entry, long cell) {
        long old = entry.cell(level);
        // out of the old bucket before into the new: the entry's one slot field per level serves both
        if (old != ProviderEntry.NO_CELL) {
            remove(entry, old);
        }
        refilesStarted.incrementAndGet();
        entry.cell(level, cell);
        refilesFinished.incrementAndGet();
        if (cell != ProviderEntry.NO_CELL) {
            add(entry, cell);
        }
    }

    /**
     * Taken before a scan, for {@link #quietSince}: the refiles started so far, or -1 if one is under way.
     *
     * <p>A scan can count an entry twice only if it read the entry's cell both before and after one refile changed
     * it. Reading "finished" then "started" and finding them equal means every refile started so far had finished
     * (and its cell write is visible); a refile the scan then observes must have started later, which moves
     * "started" past the stamp.
     */
    long refileStamp() {
        long finished = refilesFinished.get();
        long started = refilesStarted.get();
        return started == finished ? started : -1;
    }

    /** Whether no refile overlapped the scan that took {@code stamp}: its hits are then free of duplicates. */
    boolean quietSince(long stamp) {
        return stamp >= 0 && refilesStarted.get() == stamp;
    }

    private void add(ProviderEntry entry, long cell) {
        while (true) {
            Long key = key(cell);
            CellBucket bucket = buckets.computeIfAbsent(key, k -> newBucket(cell));
            if (bucket.add(entry, level)) {
                return;
            }
            buckets.remove(key, bucket); // retired by a concurrent remove that has not unmapped it yet
        }
    }

    private void remove(ProviderEntry entry, long cell) {
        Long key = key(cell);
        CellBucket bucket = buckets.get(key);
        if (bucket == null) {
            throw new IllegalStateException(entry + " has no bucket at cell " + Long.toHexString(cell));
        }
        if (bucket.remove(entry, level)) {
            buckets.remove(key, bucket);
        }
    }

    /** The cell's bucket, or null when no provider is in it. */
    CellBucket bucket(long cell) {
        return buckets.get(key(cell));
    }

    /** Number of non-empty cells (for tests and diagnostics). */
    public int occupiedCells() {
        return buckets.size();
    }

    /**
     * The map key of a cell: its id through a bijective mix. Nearby H3 ids differ only in a few middle bits and end
     * in a run of unused digits, which Long.hashCode folds into crowded hash bins.
     */
    private static Long key(long cell) {
        long h = cell;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private CellBucket newBucket(long cell) {
        LatLng center = h3.cellToLatLng(cell);
        return new CellBucket(cell, center.lat, center.lng);
    }
}
