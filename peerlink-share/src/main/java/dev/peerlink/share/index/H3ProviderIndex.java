package dev.peerlink.share.index;

import com.uber.h3core.H3Core;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.index.internal.CellLevel;
import dev.peerlink.share.index.internal.NetworkIndex;
import dev.peerlink.share.index.internal.ProviderEntry;
import dev.peerlink.share.index.internal.RadiusQuery;
import dev.peerlink.share.index.internal.SharedH3;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory {@link ProviderIndex} on H3 cells. Each provider is filed under its cell at three resolutions
 * (9, 7, 5: edges of about 200 m, 1.4 km, 9.9 km). A find walks the grid disk around its centre at the finest
 * resolution whose disk stays small (a coarser one for a wider radius), visits the cells nearest first, skips cells
 * wholly beyond the radius or beyond the farthest of {@code limit} hits already held, and measures the rest exactly.
 *
 * <p>A refresh within the same finest cell only rewrites the provider's coordinates. Finds take no lock but a
 * read lock per cell while scanning it, so they never block each other. A provider moving between cells while a
 * find runs may be reported at its old or new point (once), or missed by that one find; everything else is seen
 * exactly.
 */
public final class H3ProviderIndex implements ProviderIndex {
    private static final int[] RESOLUTIONS = {9, 7, 5};
    /** A disk of k rings has 3k(k+1)+1 cells; beyond this k a coarser level scans fewer cells for the same radius. */
    private static final int MAX_DISK_K = 12;

    private final H3Core h3;
    private final CellLevel[] levels;
    private final ConcurrentHashMap<String, ProviderEntry> byId = new ConcurrentHashMap<>();
    private final NetworkIndex networkIndex = new NetworkIndex();

    public H3ProviderIndex() {
        this.h3 = SharedH3.core();
        this.levels = new CellLevel[RESOLUTIONS.length];
        for (int i = 0; i < RESOLUTIONS.length; i++) {
            levels[i] = new CellLevel(h3, RESOLUTIONS[i], i);
        }
    }

    @Override
    public void put(String deviceId, GeoPoint point, Set<String> networks) {
        if (deviceId == null) {
            ProviderIndexArgs.requireDeviceId(null);
        }
        ProviderIndexArgs.requireNetworks(networks);
        long finest = point == null ? ProviderEntry.NO_CELL : h3.latLngToCell(point.lat(), point.lon(), RESOLUTIONS[0]);
        while (true) {
            ProviderEntry entry = byId.get(deviceId);
            if (entry == null) {
                ProviderIndexArgs.requireDeviceId(deviceId); // only ids not yet held: a refresh skips the pattern match
                entry = byId.computeIfAbsent(deviceId, ProviderEntry::new);
            }
            synchronized (entry) {
                if (entry.isRemoved()) {
                    continue; // a concurrent remove won; file a fresh entry
                }
                place(entry, point, finest);
                networkIndex.update(entry, networks);
                return;
            }
        }
    }

    @Override
    public boolean remove(String deviceId) {
        ProviderIndexArgs.requireDeviceId(deviceId);
        ProviderEntry entry = byId.get(deviceId);
        if (entry == null) {
            return false;
        }
        synchronized (entry) {
            if (entry.isRemoved()) {
                return false; // a concurrent remove won
            }
            entry.markRemoved();
            place(entry, null, ProviderEntry.NO_CELL);
            networkIndex.removeAll(entry);
            // unmapped last, under the monitor: a put for this id waits, then files a fresh entry, so no two
            // entries for one id are ever in the cells at once
            byId.remove(deviceId, entry);
        }
        return true;
    }

    @Override
    public List<Hit> near(GeoPoint center, double radiusMeters, int limit) {
        ProviderIndexArgs.requireFind(center, radiusMeters, limit);
        // Nearest-first within a wide radius is usually settled close by: try the finer levels over the radius
        // their small disk covers, and widen only when that did not yield `limit` hits (then farther ones may count).
        CellLevel full = levelFor(radiusMeters);
        for (CellLevel level : levels) {
            double reach = level == full ? radiusMeters : coveredBy(level);
            RadiusQuery query = new RadiusQuery(center, reach, limit, level.level());
            long origin = h3.latLngToCell(center.lat(), center.lon(), level.resolution());
            query.scan(level, h3.gridDisk(origin, level.diskK(reach)));
            if (level == full || query.isFull()) {
                return query.hits();
            }
        }
        throw new AssertionError("the coarsest level covers every radius");
    }

    @Override
    public List<String> onNetworks(Set<String> networks, int limit) {
        ProviderIndexArgs.requireNetworks(networks);
        ProviderIndexArgs.requireLimit(limit);
        return networkIndex.idsOn(networks, limit);
    }

    @Override
    public int size() {
        return byId.size();
    }

    /** Non-empty cells over all levels; emptied cells are dropped (visible for tests). */
    int occupiedCells() {
        int cells = 0;
        for (CellLevel level : levels) {
            cells += level.occupiedCells();
        }
        return cells;
    }

    /** Network ids with at least one provider (visible for tests). */
    int networkCount() {
        return networkIndex.networkCount();
    }

    /** The H3 resolution a find of this radius, if it cannot stop early, scans (visible for tests). */
    int resolutionFor(double radiusMeters) {
        return levelFor(radiusMeters).resolution();
    }

    /** The finest level whose disk for this radius stays small, or the coarsest. */
    private CellLevel levelFor(double radiusMeters) {
        for (CellLevel level : levels) {
            if (radiusMeters <= coveredBy(level)) {
                return level;
            }
        }
        return levels[levels.length - 1];
    }

    /** The radius a disk of {@link #MAX_DISK_K} rings covers at this level. */
    private static double coveredBy(CellLevel level) {
        return (MAX_DISK_K - 1) * level.minInnerRadius();
    }

    /** Moves the entry's point and re-files it in the cells that changed; call holding the entry's monitor. */
    private void place(ProviderEntry entry, GeoPoint point, long finestCell) {
        boolean wasPlaced = entry.hasPosition();
        entry.position(point);
        if (wasPlaced && point != null && entry.cell(0) == finestCell) {
            return; // the common refresh: same finest cell, so the same coarser cells too
        }
        for (CellLevel level : levels) {
            int i = level.level();
            long cell = point == null ? ProviderEntry.NO_CELL
                    : i == 0 ? finestCell : h3.cellToParent(finestCell, level.resolution());
            if (cell != entry.cell(i)) {
                level.refile(entry, cell);
            }
        }
    }
}
