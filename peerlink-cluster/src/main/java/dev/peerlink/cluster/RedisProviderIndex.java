package dev.peerlink.cluster;

import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.index.ProviderIndex;
import dev.peerlink.share.index.ProviderIndexArgs;
import io.lettuce.core.GeoArgs;
import io.lettuce.core.GeoSearch;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The sharing providers' index in Redis, so every instance finds the same providers: points in a geo set
 * ({@code GEOADD}, {@code GEOSEARCH FROMLONLAT BYRADIUS ASC COUNT}), exact points in a hash, and a set of ids per
 * network id. Puts and removes are one Lua script each, so a find never sees half an update.
 *
 * <p>Answers match {@link dev.peerlink.share.index.H3ProviderIndex}: Redis stores points as 52-bit geohashes (about
 * 0.6 m) on a slightly different sphere, so the search asks a little wider and for {@value #EXTRA} more hits than
 * wanted, then measures the exact stored points with {@link Geodesy#haversineMeters}, keeps those in the radius and
 * orders them nearest first, ties by id. Redis's geo sets end at latitude ±85.05°: points beyond are filed at that
 * latitude (so finds near the poles may miss them).
 */
public final class RedisProviderIndex implements ProviderIndex, AutoCloseable {
    static final String GEO = "peerlink:share:geo";
    static final String POINTS = "peerlink:share:points";
    static final String NET = "peerlink:share:net:";
    static final String NETS_OF = "peerlink:share:nets-of:";
    /** Hits asked beyond the limit, for the ones Redis's rounding orders differently at the edge of the count. */
    static final int EXTRA = 64;
    private static final double MAX_GEO_LAT = 85.05112878;
    private static final String PUT = """
            local id = ARGV[1]
            local old = redis.call('smembers', 'peerlink:share:nets-of:' .. id)
            for _, n in ipairs(old) do redis.call('srem', 'peerlink:share:net:' .. n, id) end
            redis.call('del', 'peerlink:share:nets-of:' .. id)
            if ARGV[3] == '' then redis.call('zrem', KEYS[2], id)
            else redis.call('geoadd', KEYS[2], ARGV[3], ARGV[4], id) end
            for i = 5, #ARGV do
              redis.call('sadd', 'peerlink:share:net:' .. ARGV[i], id)
              redis.call('sadd', 'peerlink:share:nets-of:' .. id, ARGV[i])
            end
            return redis.call('hset', KEYS[1], id, ARGV[2])""";
    private static final String REMOVE = """
            local id = ARGV[1]
            local old = redis.call('smembers', 'peerlink:share:nets-of:' .. id)
            for _, n in ipairs(old) do redis.call('srem', 'peerlink:share:net:' .. n, id) end
            redis.call('del', 'peerlink:share:nets-of:' .. id)
            redis.call('zrem', KEYS[2], id)
            return redis.call('hdel', KEYS[1], id)""";

    private final StatefulRedisConnection<String, String> conn;

    public RedisProviderIndex(RedisClient redis) {
        this.conn = redis.connect();
    }

    @Override
    public void put(String deviceId, GeoPoint point, Set<String> networks) {
        ProviderIndexArgs.requireDeviceId(deviceId);
        ProviderIndexArgs.requireNetworks(networks);
        List<String> args = new ArrayList<>(4 + networks.size());
        args.add(deviceId);
        if (point == null) {
            args.add("-");
            args.add("");
            args.add("");
        } else {
            args.add(point.lat() + " " + point.lon() + " " + point.alt());
            args.add(Double.toString(point.lon()));
            args.add(Double.toString(Math.max(-MAX_GEO_LAT, Math.min(MAX_GEO_LAT, point.lat()))));
        }
        args.addAll(networks);
        conn.sync().eval(PUT, ScriptOutputType.INTEGER, new String[] {POINTS, GEO}, args.toArray(String[]::new));
    }

    @Override
    public boolean remove(String deviceId) {
        Long n = conn.sync().eval(REMOVE, ScriptOutputType.INTEGER, new String[] {POINTS, GEO}, deviceId);
        return n != null && n > 0;
    }

    @Override
    public List<Hit> near(GeoPoint center, double radiusMeters, int limit) {
        ProviderIndexArgs.requireFind(center, radiusMeters, limit);
        RedisCommands<String, String> r = conn.sync();
        // Redis measures on a 6,372,797.56 m sphere (ours: the 6,371,008.8 m mean) and rounds points: ask wider
        double wider = radiusMeters * 1.001 + 2;
        double lat = Math.max(-MAX_GEO_LAT, Math.min(MAX_GEO_LAT, center.lat()));
        Set<String> ids = new java.util.LinkedHashSet<>(r.geosearch(GEO, GeoSearch.fromCoordinates(center.lon(), lat),
                GeoSearch.byRadius(wider, GeoArgs.Unit.m), new GeoArgs().asc().withCount(Math.min(MAX_LIMIT, limit) + EXTRA))
                .stream().map(w -> w.getMember()).toList());
        if (ids.isEmpty()) {
            return List.of();
        }
        List<KeyValue<String, String>> points = r.hmget(POINTS, ids.toArray(String[]::new));
        List<Hit> hits = new ArrayList<>(points.size());
        for (KeyValue<String, String> kv : points) {
            if (!kv.hasValue() || "-".equals(kv.getValue())) {
                continue; // removed (or moved to no point) since the search
            }
            String[] f = kv.getValue().split(" ");
            GeoPoint p = GeoPoint.of(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
            double d = Geodesy.haversineMeters(center, p);
            if (d <= radiusMeters) {
                hits.add(new Hit(kv.getKey(), p, d));
            }
        }
        hits.sort(Comparator.comparingDouble(Hit::groundMeters).thenComparing(Hit::deviceId));
        return hits.size() > limit ? List.copyOf(hits.subList(0, limit)) : hits;
    }

    @Override
    public List<String> onNetworks(Set<String> networks, int limit) {
        ProviderIndexArgs.requireNetworks(networks);
        ProviderIndexArgs.requireLimit(limit);
        if (networks.isEmpty()) {
            return List.of();
        }
        Set<String> ids = conn.sync().sunion(networks.stream().map(n -> NET + n).toArray(String[]::new));
        return ids.stream().limit(limit).toList();
    }

    @Override
    public int size() {
        return Math.toIntExact(conn.sync().hlen(POINTS));
    }

    @Override
    public void close() {
        conn.close();
    }
}
