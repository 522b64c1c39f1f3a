package dev.peerlink.bench;

import dev.peerlink.share.qos.InMemoryQosStore;
import dev.peerlink.share.qos.QosConfig;
import dev.peerlink.share.qos.QosMap;
import dev.peerlink.share.qos.QosSample;
import dev.peerlink.share.qos.QosStats;
import dev.peerlink.share.qos.QosStore;
import dev.peerlink.share.qos.RouteReport;
import dev.peerlink.share.qos.SqliteQosStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Part 4 of the share benchmark: the QoS map. Samples go in as devices report them (100 per report, one
 * {@link QosMap#ingestAll} each) with the map's own write-behind thread flushing to the store; then predictions at
 * random places and times and 10 km route reports. Reference: the same number of rows inserted raw into a plain SQLite
 * table in the same directory, 10,000 rows per transaction.
 */
final class ShareQosBench {
    private static final int REPORT = 100;

    /** One store's figures. */
    record Result(String store, double ingestPerSecond, double withFlushPerSecond, QosStats stats, long buckets,
                  ShareLatency.Summary predictOnRoute, ShareLatency.Summary predictAnywhere, double disclosedOnRoute,
                  ShareLatency.Summary route, double cellsPerRoute, double weakPerRoute) {}

    private final ShareQosWorkload workload;
    private final QosSample[] samples;
    private final int queries;

    ShareQosBench(ShareQosWorkload workload, QosSample[] samples, int queries) {
        this.workload = workload;
        this.samples = samples;
        this.queries = queries;
    }

    Result run(String name, QosStore store) {
        byte[] salt = new byte[32];
        new Random(3).nextBytes(salt);
        List<QosSample> all = Arrays.asList(samples);
        try (QosMap map = new QosMap(QosConfig.defaults(), store, salt)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < samples.length; i += REPORT) {
                map.ingestAll(all.subList(i, Math.min(samples.length, i + REPORT)));
            }
            long t1 = System.nanoTime();
            map.flush();
            long t2 = System.nanoTime();
            QosStats stats = map.stats();

            ShareLatency onRoute = new ShareLatency(queries), anywhere = new ShareLatency(queries), routes = new ShareLatency(queries / 10);
            int disclosed = 0;
            for (int i = -queries / 10; i < queries; i++) { // negative: warm-up
                var p = workload.onRoute();
                var when = workload.anyTime();
                long a = System.nanoTime();
                boolean known = map.predict(p, when).isPresent();
                long b = System.nanoTime();
                var q = workload.anywhere();
                var when2 = workload.anyTime();
                long c = System.nanoTime();
                map.predict(q, when2);
                long d = System.nanoTime();
                if (i >= 0) {
                    onRoute.add(b - a);
                    anywhere.add(d - c);
                    disclosed += known ? 1 : 0;
                }
            }
            long cells = 0, weak = 0;
            for (int i = -20; i < queries / 10; i++) {
                var route = workload.tenKm();
                long a = System.nanoTime();
                RouteReport rep = map.route(route);
                long b = System.nanoTime();
                if (i >= 0) {
                    routes.add(b - a);
                    cells += rep.cells().size();
                    weak += rep.weakSpots().size();
                }
            }
            return new Result(name, samples.length / ((t1 - t0) / 1e9), samples.length / ((t2 - t0) / 1e9), stats,
                    store.count(), onRoute.summary(), anywhere.summary(), disclosed / (double) queries, routes.summary(),
                    cells / (double) routes.count(), weak / (double) routes.count());
        }
    }

    Result sqlite(Path dataDir) {
        try (SqliteQosStore store = SqliteQosStore.open(dataDir.resolve("share.db"))) {
            return run("QosMap + SqliteQosStore", store);
        }
    }

    Result inMemory() {
        try (InMemoryQosStore store = new InMemoryQosStore()) {
            return run("QosMap + InMemoryQosStore", store);
        }
    }

    /**
     * The floor of a prediction that misses the hot cache: one primary-key read of a stored bucket (all its columns,
     * as the store reads it) with a prepared statement on the map's own file, for random stored keys.
     */
    ShareLatency.Summary rawSqliteLookup(Path dataDir, int lookups) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("share.db").toAbsolutePath())) {
            long[] cells;
            int[] hours;
            try (Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT cell, hour_of_week FROM qos_buckets")) {
                List<long[]> keys = new java.util.ArrayList<>();
                while (rs.next()) {
                    keys.add(new long[] {rs.getLong(1), rs.getInt(2)});
                }
                cells = new long[keys.size()];
                hours = new int[keys.size()];
                for (int i = 0; i < keys.size(); i++) {
                    cells[i] = keys.get(i)[0];
                    hours[i] = (int) keys.get(i)[1];
                }
            }
            Random r = new Random(5);
            ShareLatency lat = new ShareLatency(lookups);
            long sink = 0;
            try (PreparedStatement q = c.prepareStatement("SELECT * FROM qos_buckets WHERE cell = ? AND hour_of_week = ?")) {
                for (int i = -lookups / 10; i < lookups; i++) { // negative: warm-up
                    int k = r.nextInt(cells.length);
                    long t0 = System.nanoTime();
                    q.setLong(1, cells[k]);
                    q.setInt(2, hours[k]);
                    try (var rs = q.executeQuery()) {
                        if (rs.next()) {
                            for (int col = 1; col <= 16; col++) {
                                sink += col == 16 ? rs.getBytes(col).length : (long) rs.getDouble(col);
                            }
                        }
                    }
                    if (i >= 0) {
                        lat.add(System.nanoTime() - t0);
                    }
                }
            }
            if (sink == 42) {
                System.out.println(); // keeps the reads observable
            }
            return lat.summary();
        }
    }

    /** Rows per second of plain batched inserts of the same samples (no aggregation), same pragmas as the store. */
    double rawSqliteRowsPerSecond(Path dataDir) throws Exception {
        Path file = dataDir.resolve("raw-insert.db");
        Files.deleteIfExists(file);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("CREATE TABLE samples (device TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL, t INTEGER NOT NULL, "
                        + "rtt REAL, down REAL, up REAL, loss REAL, offline_ms INTEGER NOT NULL, period_ms INTEGER NOT NULL, "
                        + "network TEXT NOT NULL)");
            }
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO samples VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
                for (int i = 0; i < samples.length; i++) {
                    QosSample s = samples[i];
                    ins.setString(1, s.device());
                    ins.setDouble(2, s.point().lat());
                    ins.setDouble(3, s.point().lon());
                    ins.setLong(4, s.timeMillis());
                    ins.setDouble(5, s.rttMs());
                    ins.setDouble(6, s.downMbps());
                    ins.setDouble(7, s.upMbps());
                    ins.setDouble(8, s.lossPct());
                    ins.setLong(9, s.offlineMs());
                    ins.setLong(10, s.periodMs());
                    ins.setString(11, s.networkType());
                    ins.addBatch();
                    if ((i + 1) % 10_000 == 0 || i + 1 == samples.length) {
                        ins.executeBatch();
                        c.commit();
                    }
                }
            }
            double rate = samples.length / ((System.nanoTime() - t0) / 1e9);
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM samples")) {
                if (!rs.next() || rs.getLong(1) != samples.length) {
                    throw new IllegalStateException("raw insert lost rows");
                }
            }
            return rate;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dataDir.resolve("raw-insert.db-wal"));
            Files.deleteIfExists(dataDir.resolve("raw-insert.db-shm"));
        }
    }

    static String line(Result r) {
        return String.format(Locale.ROOT, "%s: ingest %,.0f samples/s (%,.0f/s including the final flush); "
                        + "ingested %,d, dropped %,d (rate-limited %,d), %,d buckets stored, %,d hot",
                r.store(), r.ingestPerSecond(), r.withFlushPerSecond(), r.stats().ingested(), r.stats().dropped(),
                r.stats().rateLimited(), r.buckets(), r.stats().buckets());
    }
}
