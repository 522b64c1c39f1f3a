package dev.peerlink.share.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.index.ProviderIndex.Hit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The obvious model the index must agree with: a map scanned in full, distances by a separately written haversine. */
final class ReferenceProviders {
    private static final double R = 6_371_008.8;

    private record Provider(GeoPoint point, Set<String> networks) {}

    private final Map<String, Provider> byId = new HashMap<>();

    void put(String id, GeoPoint point, Set<String> networks) {
        byId.put(id, new Provider(point, Set.copyOf(networks)));
    }

    boolean remove(String id) {
        return byId.remove(id) != null;
    }

    int size() {
        return byId.size();
    }

    GeoPoint pointOf(String id) {
        return byId.get(id).point();
    }

    List<Hit> near(GeoPoint center, double radius, int limit) {
        List<Hit> hits = new ArrayList<>();
        byId.forEach((id, p) -> {
            if (p.point() != null) {
                double d = groundMeters(center, p.point());
                if (d <= radius) {
                    hits.add(new Hit(id, p.point(), d));
                }
            }
        });
        hits.sort(Comparator.comparingDouble(Hit::groundMeters).thenComparing(Hit::deviceId));
        return hits.size() > limit ? hits.subList(0, limit) : hits;
    }

    Set<String> onNetworks(Set<String> networks) {
        Set<String> ids = new LinkedHashSet<>();
        byId.forEach((id, p) -> {
            for (String network : p.networks()) {
                if (networks.contains(network)) {
                    ids.add(id);
                    return;
                }
            }
        });
        return ids;
    }

    static double groundMeters(GeoPoint a, GeoPoint b) {
        double p1 = Math.toRadians(a.lat()), p2 = Math.toRadians(b.lat());
        double h = Math.pow(Math.sin((p2 - p1) / 2), 2)
                + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(Math.toRadians(b.lon() - a.lon()) / 2), 2);
        return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    /**
     * Asserts the index answers this find exactly as the model does: same ids, same order, same distances.
     * Returns the number of hits, so callers can check their queries were not all empty.
     */
    int assertSameAnswer(ProviderIndex index, GeoPoint center, double radius, int limit) {
        List<Hit> expected = near(center, radius, limit);
        List<Hit> actual = index.near(center, radius, limit);
        String where = "find at " + center + " within " + radius + " m, limit " + limit;
        // one assertion per list, not per hit: these run over many thousands of hits
        assertThat(actual.stream().map(Hit::deviceId).toList()).as(where)
                .isEqualTo(expected.stream().map(Hit::deviceId).toList());
        assertThat(actual.stream().map(Hit::point).toList()).as(where).isEqualTo(expected.stream().map(Hit::point).toList());
        double worst = 0;
        for (int i = 0; i < actual.size(); i++) {
            worst = Math.max(worst, Math.abs(actual.get(i).groundMeters() - expected.get(i).groundMeters()));
        }
        assertThat(worst).as(where + ": largest distance difference").isLessThan(1e-6);
        return actual.size();
    }

    /** A uniformly random point in the box (longitudes wrap across the antimeridian). */
    static GeoPoint randomIn(java.util.Random rnd, double lat0, double lon0, double halfLat, double halfLon) {
        double lat = Math.max(-90, Math.min(90, lat0 + (rnd.nextDouble() * 2 - 1) * halfLat));
        double lon = lon0 + (rnd.nextDouble() * 2 - 1) * halfLon;
        if (lon > 180) {
            lon -= 360;
        } else if (lon < -180) {
            lon += 360;
        }
        return GeoPoint.of(lat, lon);
    }
}
