package dev.peerlink.cluster;

import static org.awaitility.Awaitility.await;

import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.index.H3ProviderIndex;
import dev.peerlink.share.index.ProviderIndex;
import dev.peerlink.testkit.db.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Figures for partitioned work over one local Redis, printed (never asserted): Redis commands per probe interval per
 * 1,000 mappings across three instances, and GEOSEARCH finds against the in-memory H3 index in the same run. Run
 * with {@code -Dgroups=bench -Dtest=ClusterWorkBench}.
 */
@Tag("bench")
class ClusterWorkBench {
    @RegisterExtension
    static final EmbeddedRedis REDIS = new EmbeddedRedis();

    @Test
    void redisCommandsPerProbeIntervalPerThousandMappings() throws Exception {
        long interval = 2000;
        int devices = 1000, intervals = 5;
        try (ProbingCluster cluster = new ProbingCluster(REDIS.uri(), interval, Duration.ofMillis(200), d -> d % 3);
             StatefulRedisConnection<String, String> admin = cluster.client.connect()) {
            for (int i = 0; i < 3; i++) {
                cluster.start(i);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.nodes.stream().allMatch(n -> n.membership.live().size() == 3));
            Map<String, Long> idle0 = commandStats(admin);
            Thread.sleep(interval * intervals); // a measuring window, not synchronisation
            Map<String, Long> idle = diff(commandStats(admin), idle0);
            for (int d = 0; d < devices; d++) {
                cluster.report(d);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.probes.size() >= 2 * devices);
            long probes0 = cluster.probes.size();
            Map<String, Long> s0 = commandStats(admin);
            Thread.sleep(interval * intervals); // a measuring window
            Map<String, Long> busy = diff(commandStats(admin), s0);
            long probes = cluster.probes.size() - probes0;
            long idleTotal = idle.values().stream().mapToLong(Long::longValue).sum();
            long busyTotal = busy.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("probe ops: %d mappings, 3 instances, interval %d ms, heartbeat 200 ms: %d probes in %d intervals;"
                            + " Redis commands per interval: %.0f with mappings, %.0f without (heartbeats) -> %.0f per 1,000 mappings"
                            + " (%.2f per probe); by command with mappings %s; load %s%n",
                    devices, interval, probes, intervals, busyTotal / (double) intervals, idleTotal / (double) intervals,
                    (busyTotal - idleTotal) / (double) intervals * 1000 / devices, (busyTotal - idleTotal) / (double) probes,
                    perInterval(busy, intervals), loadavg());
        }
    }

    @Test
    void geosearchFindsBesideTheInMemoryIndex() throws Exception {
        RedisClient client = RedisClient.create(REDIS.uri());
        try {
            for (int n : new int[] {10_000, 100_000}) {
                try (var c = client.connect()) {
                    c.sync().flushall();
                }
                H3ProviderIndex h3 = new H3ProviderIndex();
                try (RedisProviderIndex redis = new RedisProviderIndex(client)) {
                    Random rnd = new Random(n);
                    for (int i = 0; i < n; i++) {
                        GeoPoint p = ProviderIndexContractTest.randomIn(rnd, 15_000);
                        h3.put("device-" + i, p, Set.of());
                        redis.put("device-" + i, p, Set.of());
                    }
                    for (double[] q : new double[][] {{1_000, 10}, {5_000, 100}}) {
                        GeoPoint[] centres = new GeoPoint[2000];
                        for (int i = 0; i < centres.length; i++) {
                            centres[i] = ProviderIndexContractTest.randomIn(rnd, 15_000);
                        }
                        long[] tH3 = time(h3, centres, q[0], (int) q[1]);
                        long[] tRedis = time(redis, centres, q[0], (int) q[1]);
                        System.out.printf("find %,d providers, radius %.0f m, limit %d: in-memory H3 p50 %.1f us p99 %.1f us;"
                                        + " Redis GEOSEARCH p50 %.1f us p99 %.1f us; ratio p50 %.1fx; load %s%n", n, q[0], (int) q[1],
                                tH3[0] / 1e3, tH3[1] / 1e3, tRedis[0] / 1e3, tRedis[1] / 1e3, tRedis[0] / (double) tH3[0], loadavg());
                    }
                }
            }
        } finally {
            client.shutdown();
        }
    }

    /** p50 and p99 nanoseconds of one find per centre, after a warm-up pass over the same centres. */
    private static long[] time(ProviderIndex index, GeoPoint[] centres, double radius, int limit) {
        for (GeoPoint c : centres) {
            index.near(c, radius, limit);
        }
        long[] t = new long[centres.length];
        for (int i = 0; i < centres.length; i++) {
            long t0 = System.nanoTime();
            index.near(centres[i], radius, limit);
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        return new long[] {t[t.length / 2], t[t.length * 99 / 100]};
    }

    private static Map<String, Long> commandStats(StatefulRedisConnection<String, String> c) {
        Map<String, Long> out = new HashMap<>();
        for (String line : c.sync().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring(8, line.indexOf(':'));
                String calls = line.substring(line.indexOf("calls=") + 6);
                out.put(name, Long.parseLong(calls.substring(0, calls.indexOf(','))));
            }
        }
        return out;
    }

    private static Map<String, Long> diff(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> d = new HashMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n > 0 && !k.equals("info")) {
                d.put(k, n);
            }
        });
        return d;
    }

    private static Map<String, Long> perInterval(Map<String, Long> m, int intervals) {
        Map<String, Long> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> out.put(k, v / intervals));
        return out;
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }
}
