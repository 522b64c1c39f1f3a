package dev.peerlink.bench;

import dev.peerlink.cluster.ClusterNode;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.testkit.db.EmbeddedPostgres;
import dev.peerlink.testkit.db.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Connect brokering latency in cluster mode: the time from a device's {@code connect} to its {@code answered} (the
 * target accepts at once), for a target on the same instance (the reference, measured in the same run) and on another
 * instance (through Redis: a presence lookup and two bus messages), interleaved; p50/p99 and the added latency.
 * Counts Redis commands (INFO commandstats) and PostgreSQL transactions (pg_stat_database) per connect. Starts its own
 * redis-server and PostgreSQL on loopback (the test fixtures) and two instances in this JVM.
 *
 * <p>Arguments: {@code [connects]} (default 300 of each kind).
 */
public final class ClusterConnectBench {
    private ClusterConnectBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        EmbeddedRedis redis = new EmbeddedRedis();
        EmbeddedPostgres pg = new EmbeddedPostgres();
        redis.beforeAll(null);
        pg.beforeAll(null);
        List<AutoCloseable> open = new ArrayList<>();
        try {
            String jdbc = pg.createDatabase();
            SignalServer one = instance("bench-1", redis.uri(), jdbc, open);
            SignalServer two = instance("bench-2", redis.uri(), jdbc, open);
            SignallingClient a = device(one, "a", open);
            SignallingClient near = device(one, "near", open);
            SignallingClient far = device(two, "far", open);
            for (SignallingClient target : List.of(near, far)) {
                target.onIncoming(r -> r.accept(JsonBlob.EMPTY));
            }
            for (int i = 0; i < 50; i++) { // warm-up: JIT, pools, the registry cache on both instances
                connectMs(a, "near");
                connectMs(a, "far");
            }
            double[] same = new double[n];
            double[] cross = new double[n];
            long[] redisBefore = {redisCalls(redis.uri())};
            long pgBefore = pgTransactions(jdbc);
            for (int i = 0; i < n; i++) {
                same[i] = connectMs(a, "near");
            }
            long redisSame = redisCalls(redis.uri()) - redisBefore[0] - 1; // less the INFO that read it
            redisBefore[0] = redisCalls(redis.uri());
            for (int i = 0; i < n; i++) {
                cross[i] = connectMs(a, "far");
            }
            long redisCross = redisCalls(redis.uri()) - redisBefore[0] - 1;
            double[] redisRtt = redisRoundTrips(redis.uri(), n);
            Thread.sleep(1500); // PostgreSQL publishes its statistics with up to a second's delay
            long pgOps = pgTransactions(jdbc) - pgBefore - 1;
            Arrays.sort(same);
            Arrays.sort(cross);
            System.out.printf("load %s%n", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
            System.out.printf("same-instance  connect->answered: p50 %.3f ms  p99 %.3f ms  (n=%d)%n", p(same, 50), p(same, 99), n);
            System.out.printf("cross-instance connect->answered: p50 %.3f ms  p99 %.3f ms  (n=%d)%n", p(cross, 50), p(cross, 99), n);
            System.out.printf("added by crossing: p50 %+.3f ms  p99 %+.3f ms  ratio p50 %.2fx%n", p(cross, 50) - p(same, 50),
                    p(cross, 99) - p(same, 99), p(cross, 50) / p(same, 50));
            System.out.printf("reference: one Redis GET round trip from this JVM: p50 %.3f ms  p99 %.3f ms%n", p(redisRtt, 50),
                    p(redisRtt, 99));
            System.out.printf("redis commands per connect: same %.2f  cross %.2f (heartbeats included)%n", (double) redisSame / n,
                    (double) redisCross / n);
            System.out.printf("postgresql transactions per connect (both phases): %.3f%n", (double) pgOps / (2.0 * n));
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
            pg.afterAll(null);
            redis.afterAll(null);
        }
        System.exit(0);
    }

    private static double p(double[] sorted, int pct) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * pct / 100.0) - 1)];
    }

    private static double connectMs(SignallingClient from, String to) throws Exception {
        long t0 = System.nanoTime();
        from.connect(Identity.device(to), JsonBlob.EMPTY).get(10, TimeUnit.SECONDS);
        return (System.nanoTime() - t0) / 1e6;
    }

    private static SignalServer instance(String id, String redisUri, String jdbc, List<AutoCloseable> open) throws Exception {
        ClusterNode node = ClusterNode.open(new ClusterNode.Options(redisUri, jdbc, EmbeddedPostgres.SUPERUSER, null, id,
                Duration.ofSeconds(180), null));
        open.add(node);
        SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .mappingMonitor(null).share(null)
                .limits(new SignalServerConfig.Limits(64 * 1024, 100_000, 100_000, 60, 100_000, 10))
                .build(), List.of(), d -> Optional.empty(), node.seams());
        open.add(s);
        return s;
    }

    private static SignallingClient device(SignalServer s, String id, List<AutoCloseable> open) throws Exception {
        SignallingClient c = SignallingClient.builder().server(URI.create(s.url())).identity(DeviceIdentity.ephemeral(DeviceId.of(id))).build();
        open.add(c);
        c.start().get(10, TimeUnit.SECONDS);
        return c;
    }

    /** The floor a crossing pays at least once (the presence lookup): sorted round-trip times of {@code n} GETs. */
    private static double[] redisRoundTrips(String uri, int n) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                c.sync().get("pl:presence:far");
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            return ms;
        } finally {
            client.shutdown();
        }
    }

    private static long redisCalls(String uri) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            long calls = 0;
            for (String line : c.sync().info("commandstats").split("\r?\n")) {
                int at = line.indexOf("calls=");
                if (line.startsWith("cmdstat_") && at > 0) {
                    calls += Long.parseLong(line.substring(at + 6, line.indexOf(',', at)));
                }
            }
            return calls;
        } finally {
            client.shutdown();
        }
    }

    private static long pgTransactions(String jdbc) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, EmbeddedPostgres.SUPERUSER, null); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")) {
            r.next();
            return r.getLong(1);
        }
    }
}
