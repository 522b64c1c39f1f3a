package dev.peerlink.share.qos;

import static dev.peerlink.share.qos.QosTestSupport.MONDAY_0800;
import static dev.peerlink.share.qos.QosTestSupport.SALT;
import static dev.peerlink.share.qos.QosTestSupport.config;
import static dev.peerlink.share.qos.QosTestSupport.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.qos.QosBucket.WeightedSum;
import dev.peerlink.share.qos.QosTestSupport.TestClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteQosStoreTest {
    private final TestClock clock = new TestClock(MONDAY_0800.plus(Duration.ofHours(1)));

    private static QosBucket bucket(long cell, int hour, int devices) {
        byte[] packed = new byte[devices * QosBucket.DEVICE_ENTRY_BYTES];
        new Random(cell).nextBytes(packed);
        return new QosBucket(cell, hour, 1_741_000_000_000L, 12, 3.5, new WeightedSum(3, 150), new WeightedSum(3.5, 70),
                WeightedSum.ZERO, new WeightedSum(1.25, 2.5), 1_000, 210_000, packed);
    }

    @Test
    void roundTripsBucketsAndReplacesOnUpsert() {
        try (SqliteQosStore store = SqliteQosStore.open(null)) {
            QosBucket a = bucket(0x891f1d48e0fffffL, 8, 3), b = bucket(0x891f1d48e0fffffL, -1, 64);
            store.upsert(List.of(a, b));
            assertThat(store.load(a.cell(), 8)).contains(a);
            assertThat(store.load(b.cell(), -1)).contains(b);
            assertThat(store.load(a.cell(), 9)).isEmpty();
            QosBucket a2 = bucket(a.cell(), 8, 5);
            store.upsert(List.of(a2));
            assertThat(store.load(a.cell(), 8)).contains(a2);
            assertThat(store.count()).isEqualTo(2);
            store.upsert(List.of());
        }
    }

    @Test
    void aNewMapOnTheSameFileAnswersTheSameAfterARestart(@TempDir Path dir) {
        Path file = dir.resolve("data/share.db");
        Random random = new Random(5);
        List<GeoPoint> places = new ArrayList<>();
        List<Optional<QosPrediction>> before = new ArrayList<>();
        try (SqliteQosStore store = SqliteQosStore.open(file); QosMap map = new QosMap(config(), store, SALT, clock)) {
            for (int c = 0; c < 20; c++) {
                GeoPoint p = GeoPoint.of(48 + random.nextDouble(), 11 + random.nextDouble());
                places.add(p);
                for (int d = 0; d < (c % 2 == 0 ? 5 : 4); d++) { // odd cells stay hidden
                    map.ingest(sample("d" + d, p, MONDAY_0800.plusSeconds(d), random.nextDouble(500), 10, 2, random.nextDouble(5)));
                }
            }
            for (GeoPoint p : places) {
                before.add(map.predict(p, MONDAY_0800));
            }
        } // close: map flushes, then the store closes
        try (SqliteQosStore store = SqliteQosStore.open(file); QosMap map = new QosMap(config(), store, SALT, clock)) {
            assertThat(store.count()).isEqualTo(40);
            for (int c = 0; c < places.size(); c++) {
                assertThat(map.predict(places.get(c), MONDAY_0800)).isEqualTo(before.get(c));
            }
            assertThat(before.stream().filter(Optional::isPresent).count()).isEqualTo(10);
            // the same salt recognises a device again: a returning device does not make a hidden cell disclosable
            map.ingest(sample("d0", places.get(1), MONDAY_0800.plusSeconds(30), 10, 10, 2, 0));
            assertThat(map.predict(places.get(1), MONDAY_0800)).isEmpty();
            map.ingest(sample("d9", places.get(1), MONDAY_0800.plusSeconds(30), 10, 10, 2, 0));
            assertThat(map.predict(places.get(1), MONDAY_0800)).isPresent();
        }
    }

    @Test
    void migratesIntoItsOwnTablesAndLeavesOthersAlone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("shared.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE radio_fingerprints (id INTEGER PRIMARY KEY, name TEXT)");
            s.execute("INSERT INTO radio_fingerprints(name) VALUES ('kept')");
        }
        SqliteQosStore.open(file).close();
        SqliteQosStore.open(file).close(); // idempotent
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM qos_schema_version")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT name FROM radio_fingerprints")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("kept");
            }
            s.execute("INSERT INTO qos_buckets VALUES (1, 8, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, x'0102')");
        }
        try (SqliteQosStore store = SqliteQosStore.open(file)) {
            assertThatThrownBy(() -> store.load(1, 8)).isInstanceOf(QosStoreException.class).hasMessageContaining("corrupt");
        }
    }

    @Test
    void writesBehindOnATimerAndWhenEnoughBucketsChanged() {
        try (SqliteQosStore store = SqliteQosStore.open(null)) {
            QosMap timed = new QosMap(config().withFlush(1_000_000, Duration.ofMillis(20)), store, SALT, clock);
            timed.ingest(sample("d", GeoPoint.of(10, 10), MONDAY_0800, 50, 10, 5, 0));
            await().atMost(Duration.ofSeconds(5)).until(() -> store.count() == 2);
            timed.close();

            QosMap counted = new QosMap(config().withFlush(10, Duration.ZERO), store, SALT, clock);
            for (int c = 0; c < 4; c++) {
                counted.ingest(sample("d", GeoPoint.of(20 + c, 20), MONDAY_0800, 50, 10, 5, 0));
            }
            assertThat(store.count()).isEqualTo(2); // 8 changed buckets wait
            counted.ingest(sample("d", GeoPoint.of(30, 20), MONDAY_0800, 50, 10, 5, 0));
            assertThat(store.count()).isEqualTo(12); // the 10th written them all, from the ingesting thread
            assertThat(counted.stats().unwritten()).isZero();

            // with a flusher thread, a full batch is handed to it (the hourly timer would be far too late)
            QosMap async = new QosMap(config().withFlush(10, Duration.ofHours(1)), store, SALT, clock);
            for (int c = 0; c < 5; c++) {
                async.ingest(sample("d", GeoPoint.of(40 + c, 20), MONDAY_0800, 50, 10, 5, 0));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> store.count() == 22);
            async.close();
        }
    }

    @Test
    void aClosedStoreRefusesWork() {
        SqliteQosStore store = SqliteQosStore.open(null);
        store.close();
        store.close();
        assertThatThrownBy(() -> store.load(1, 1)).isInstanceOf(QosStoreException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> SqliteQosStore.open(Path.of("/proc/no-such-dir/qos.db")))
                .isInstanceOf(QosStoreException.class).hasMessageContaining("cannot open");
    }
}
