package dev.peerlink.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.qos.InMemoryQosStore;
import dev.peerlink.share.qos.QosConfig;
import dev.peerlink.share.qos.QosMap;
import dev.peerlink.share.qos.QosPrediction;
import dev.peerlink.share.qos.QosSample;
import dev.peerlink.testkit.db.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two QoS maps ("instances") over one real PostgreSQL answer as one map fed every sample. */
class SharedQosMapTest {
    @RegisterExtension
    static final EmbeddedPostgres PG = new EmbeddedPostgres();

    private static final Instant NOW = Instant.parse("2025-03-03T08:30:00Z");
    private static final GeoPoint CELL_X = GeoPoint.of(52.5200, 13.4050);
    private static final GeoPoint CELL_Y = GeoPoint.of(48.1374, 11.5755);
    /** No background flusher: the test decides when each instance flushes. */
    private static final QosConfig CONFIG = QosConfig.defaults().withFlush(5_000, Duration.ZERO).withKAnonymity(5);

    private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
    private final InstantSource clock = now::get;
    private HikariDataSource pool;
    private PostgresQosStore store;

    @BeforeEach
    void openStore() throws Exception {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(PG.createDatabase());
        cfg.setUsername(EmbeddedPostgres.SUPERUSER);
        cfg.setMaximumPoolSize(8);
        pool = new HikariDataSource(cfg);
        store = PostgresQosStore.open(pool);
    }

    @AfterEach
    void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    private QosMap instance(String salt) {
        return QosMap.shared(CONFIG, store, salt(salt), clock, QosMap.DEFAULT_SHARED_READ_TTL);
    }

    @Test
    void twoInstancesWithDisjointSamplesAnswerAsOneMapFedAll() {
        Random r = new Random(16);
        List<QosSample> toA = new ArrayList<>();
        List<QosSample> toB = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            QosSample s = sample(r, "device-" + r.nextInt(12), i % 2 == 0 ? CELL_X : CELL_Y);
            (r.nextBoolean() ? toA : toB).add(s);
        }
        QosMap single = new QosMap(CONFIG, new InMemoryQosStore(), salt("reference"), clock);
        single.ingestAll(toA);
        single.ingestAll(toB);
        try (QosMap a = instance("salt-of-a"); QosMap b = instance("salt-of-b")) {
            assertThat(a.ingestAll(toA)).isEqualTo(toA.size());
            assertThat(b.ingestAll(toB)).isEqualTo(toB.size());
            a.flush();
            b.flush();
            for (GeoPoint p : List.of(CELL_X, CELL_Y)) {
                QosPrediction expected = single.predict(p, NOW).orElseThrow();
                assertSame(expected, a.predict(p, NOW).orElseThrow());
                assertSame(expected, b.predict(p, NOW).orElseThrow());
            }
        }
    }

    @Test
    void anInstanceSeesTheOthersFlushOnceItsCachedCopyIsOlderThanTheTtl() {
        try (QosMap a = instance("salt-of-a"); QosMap b = instance("salt-of-b")) {
            Random r = new Random(3);
            for (int d = 0; d < 5; d++) {
                a.ingest(sample(r, "a" + d, CELL_X));
            }
            a.flush();
            QosPrediction before = a.predict(CELL_X, NOW).orElseThrow();
            assertThat(before.devices()).isEqualTo(5);
            for (int d = 0; d < 3; d++) {
                b.ingest(sample(r, "b" + d, CELL_X));
            }
            b.flush();
            assertThat(b.predict(CELL_X, NOW).orElseThrow().devices()).isEqualTo(8); // its own flush: read at once
            assertThat(a.predict(CELL_X, NOW).orElseThrow().devices()).isEqualTo(5); // cached for the TTL
            now.set(NOW.plus(QosMap.DEFAULT_SHARED_READ_TTL));
            assertThat(a.predict(CELL_X, NOW).orElseThrow().devices()).isEqualTo(8);
        }
    }

    @Test
    void kAnonymityCountsDevicesAcrossInstancesOnce() {
        try (QosMap a = instance("salt-of-a"); QosMap b = instance("salt-of-b")) {
            Random r = new Random(5);
            // cell X: four distinct devices in total, one of them reporting through both instances
            for (String d : List.of("d1", "d2")) {
                a.ingest(sample(r, d, CELL_X));
            }
            for (String d : List.of("d1", "d3", "d4")) {
                b.ingest(sample(r, d, CELL_X));
            }
            // cell Y: five devices, three on A and two on B
            for (String d : List.of("d1", "d2", "d3")) {
                a.ingest(sample(r, d, CELL_Y));
            }
            for (String d : List.of("d4", "d5")) {
                b.ingest(sample(r, d, CELL_Y));
            }
            a.flush();
            b.flush();
            for (QosMap m : List.of(a, b)) {
                assertThat(m.predict(CELL_X, NOW)).isEmpty();
                Optional<QosPrediction> y = m.predict(CELL_Y, NOW);
                assertThat(y).isPresent();
                assertThat(y.get().devices()).isEqualTo(5);
            }
        }
    }

    @Test
    void concurrentFlushesOfTheSameBucketsLoseNoSample() throws Exception {
        int perThread = 300;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (QosMap a = instance("salt-of-a"); QosMap b = instance("salt-of-b")) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                QosMap m = t % 2 == 0 ? a : b;
                int thread = t;
                done.add(pool.submit(() -> {
                    Random r = new Random(thread);
                    for (int i = 0; i < perThread; i++) {
                        m.ingest(sample(r, "t" + thread + "-" + (i % 50), i % 3 == 0 ? CELL_Y : CELL_X));
                        if (i % 25 == 0) {
                            m.flush();
                        }
                    }
                    m.flush();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            long x = samplesOf(a, CELL_X);
            long y = samplesOf(a, CELL_Y);
            assertThat(x + y).isEqualTo(4L * perThread);
        } finally {
            pool.shutdownNow();
        }
    }

    private long samplesOf(QosMap m, GeoPoint p) {
        long cell = Long.parseUnsignedLong(m.cellOf(p), 16);
        return store.load(cell, QosPrediction.ALL_HOURS).orElseThrow().samples();
    }

    private static void assertSame(QosPrediction expected, QosPrediction actual) {
        assertThat(actual.cell()).isEqualTo(expected.cell());
        assertThat(actual.hourOfWeek()).isEqualTo(expected.hourOfWeek());
        assertThat(actual.devices()).isEqualTo(expected.devices());
        assertThat(actual.quality()).isEqualTo(expected.quality());
        double[] e = {expected.rttMs(), expected.downMbps(), expected.upMbps(), expected.lossPct(), expected.offlineFraction(),
                expected.score(), expected.weight()};
        double[] a = {actual.rttMs(), actual.downMbps(), actual.upMbps(), actual.lossPct(), actual.offlineFraction(),
                actual.score(), actual.weight()};
        for (int i = 0; i < e.length; i++) {
            assertThat(a[i]).as("field %d", i).isCloseTo(e[i], within(1e-9 * Math.max(1, Math.abs(e[i]))));
        }
    }

    /** A sample in the hour before NOW (same hour-of-week bucket as NOW's), random metrics. */
    private static QosSample sample(Random r, String device, GeoPoint p) {
        long t = NOW.toEpochMilli() - r.nextInt(1_800_000);
        return new QosSample(device, p, t, 10 + r.nextDouble() * 200, r.nextDouble() * 100, r.nextDouble() * 30,
                r.nextDouble() * 5, r.nextInt(5_000), 60_000, "4g");
    }

    private static byte[] salt(String s) {
        return (s + "-0123456789abcdef").getBytes(StandardCharsets.UTF_8);
    }
}
