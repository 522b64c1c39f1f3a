package dev.peerlink.share.qos;

import static dev.peerlink.share.qos.QosTestSupport.BERLIN;
import static dev.peerlink.share.qos.QosTestSupport.MONDAY_0800;
import static dev.peerlink.share.qos.QosTestSupport.SALT;
import static dev.peerlink.share.qos.QosTestSupport.config;
import static dev.peerlink.share.qos.QosTestSupport.offlineSample;
import static dev.peerlink.share.qos.QosTestSupport.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.uber.h3core.H3Core;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.qos.QosTestSupport.TestClock;
import dev.peerlink.share.qos.internal.H3Cells;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QosMapTest {
    private final TestClock clock = new TestClock(MONDAY_0800.plusSeconds(600));
    private final InMemoryQosStore store = new InMemoryQosStore();
    private final QosMap map = new QosMap(config(), store, SALT, clock);

    @Test
    void decayedMeansOfKnownInputsIgnoreUnknownMetrics() {
        double[] rtt = {40, 60, 80, Double.NaN, 120};
        double[] down = {10, 20, 30, 40, 50};
        for (int i = 0; i < 5; i++) {
            map.ingest(sample("d" + i, BERLIN, MONDAY_0800, rtt[i], down[i], 2, i));
        }
        QosPrediction p = map.predict(BERLIN, MONDAY_0800.plusSeconds(1800)).orElseThrow();
        assertThat(p.hourOfWeek()).isEqualTo(8);
        assertThat(p.rttMs()).isCloseTo(75, within(1e-9)); // (40+60+80+120)/4: the NaN one does not count
        assertThat(p.downMbps()).isCloseTo(30, within(1e-9));
        assertThat(p.upMbps()).isCloseTo(2, within(1e-9));
        assertThat(p.lossPct()).isCloseTo(2, within(1e-9));
        assertThat(p.offlineFraction()).isZero();
        assertThat(p.devices()).isEqualTo(5);
        assertThat(p.cell()).isEqualTo(H3Cells.h3().latLngToCellAddress(BERLIN.lat(), BERLIN.lon(), 9));
        // all five samples are 10 minutes old: weight 5 × 2^(-10 min / 14 d)
        assertThat(p.weight()).isCloseTo(5 * Math.pow(2, -600.0 / (14 * 86400)), within(1e-9));
    }

    @Test
    void offlineFractionIsDecayedOfflineTimeOverDecayedPeriod() {
        for (int i = 0; i < 5; i++) {
            map.ingest(offlineSample("d" + i, BERLIN, MONDAY_0800, i < 2 ? 60_000 : 0, 60_000));
        }
        map.ingest(offlineSample("d0", BERLIN, MONDAY_0800, 0, 240_000));
        QosPrediction p = map.predict(BERLIN, MONDAY_0800).orElseThrow();
        assertThat(p.offlineFraction()).isCloseTo(120_000.0 / 540_000, within(1e-12));
        assertThat(p.rttMs()).isNaN();
    }

    @Test
    void aFourteenDayOldSampleWeighsHalfOfAFreshOne() {
        Instant old = MONDAY_0800.minus(Duration.ofDays(14)); // same hour of week, two weeks earlier
        for (boolean oldFirst : new boolean[] {true, false}) { // both orders: rescaling on a newer sample, and plain add
            QosMap m = new QosMap(config(), new InMemoryQosStore(), SALT, clock);
            for (int i = 0; i < 5; i++) {
                QosSample o = sample("old" + i, BERLIN, old, 400, 1, 1, 0);
                QosSample f = sample("new" + i, BERLIN, MONDAY_0800, 100, 1, 1, 0);
                m.ingestAll(oldFirst ? List.of(o, f) : List.of(f, o));
            }
            QosPrediction p = m.predict(BERLIN, MONDAY_0800).orElseThrow();
            // (5·1·100 + 5·½·400) / (5 + 2.5) = 200, not the undecayed 250
            assertThat(p.rttMs()).as("old first: %s", oldFirst).isCloseTo(200, within(1e-6));
            assertThat(p.weight()).isCloseTo(7.5 * Math.pow(2, -600.0 / (14 * 86400)), within(1e-9));
        }
    }

    @Test
    void fourDistinctDevicesAreNotDisclosedFiveAre() {
        for (int i = 0; i < 4; i++) {
            map.ingest(sample("d" + i, BERLIN, MONDAY_0800, 50, 10, 5, 0));
        }
        assertThat(map.predict(BERLIN, MONDAY_0800)).isEmpty();
        map.ingest(sample("d4", BERLIN, MONDAY_0800, 50, 10, 5, 0));
        assertThat(map.predict(BERLIN, MONDAY_0800)).get().extracting(QosPrediction::devices).isEqualTo(5);
    }

    @Test
    void oneDeviceWithManySamplesIsNotDisclosed() {
        for (int i = 0; i < 100; i++) {
            assertThat(map.ingest(sample("only", BERLIN, MONDAY_0800.plusSeconds(i), 50, 10, 5, 0))).isTrue();
        }
        assertThat(map.predict(BERLIN, MONDAY_0800)).isEmpty();
        assertThat(map.stats().ingested()).isEqualTo(100);
    }

    @Test
    void devicesLongSilentDoNotCountTowardsAnonymityOfANewerOne() {
        Instant longAgo = MONDAY_0800.minus(Duration.ofDays(35)); // beyond the 28-day device window
        for (int i = 0; i < 5; i++) {
            map.ingest(sample("old" + i, BERLIN, longAgo, 50, 10, 5, 0));
        }
        assertThat(map.predict(BERLIN, longAgo)).isPresent(); // 5 devices, all equally old
        map.ingest(sample("recent", BERLIN, MONDAY_0800, 900, 0.2, 0.1, 30));
        assertThat(map.predict(BERLIN, MONDAY_0800)).isEmpty(); // would mostly show the one recent device
    }

    @Test
    void bucketsByHourOfWeekInUtcAndFallsBackToAllHours() {
        Instant sunday2300 = Instant.parse("2025-03-02T23:00:00Z"); // nine hours before MONDAY_0800
        for (int i = 0; i < 5; i++) {
            map.ingest(sample("m" + i, BERLIN, MONDAY_0800.plusSeconds(60 * i), 50, 10, 5, 0));
            map.ingest(sample("s" + i, BERLIN, sunday2300.plusSeconds(60 * i), 500, 10, 5, 0));
        }
        QosPrediction monday = map.predict(BERLIN, Instant.parse("2025-03-10T08:59:00Z")).orElseThrow();
        QosPrediction sunday = map.predict(BERLIN, Instant.parse("2025-03-09T23:30:00Z")).orElseThrow();
        assertThat(monday.hourOfWeek()).isEqualTo(8);
        assertThat(monday.rttMs()).isCloseTo(50, within(1e-9));
        assertThat(sunday.hourOfWeek()).isEqualTo(167);
        assertThat(sunday.rttMs()).isCloseTo(500, within(1e-9));

        QosPrediction tuesday = map.predict(BERLIN, Instant.parse("2025-03-04T12:00:00Z")).orElseThrow();
        assertThat(tuesday.hourOfWeek()).isEqualTo(QosPrediction.ALL_HOURS);
        assertThat(tuesday.allHours()).isTrue();
        assertThat(tuesday.devices()).isEqualTo(10);
        double sundayWeight = Math.pow(2, -9.0 / (14 * 24)); // Sunday samples are 9 h older
        assertThat(tuesday.rttMs()).isCloseTo((50 + 500 * sundayWeight) / (1 + sundayWeight), within(1e-6));
    }

    @Test
    void anHourWithTooFewDevicesFallsBackOnlyWhenTheCellHasEnough() {
        Instant tuesday = Instant.parse("2025-02-25T12:00:00Z"); // the week before the clock
        for (int i = 0; i < 3; i++) {
            map.ingest(sample("t" + i, BERLIN, tuesday, 80, 10, 5, 0));
        }
        assertThat(map.predict(BERLIN, tuesday)).isEmpty(); // hour: 3, all hours: 3
        for (int i = 0; i < 2; i++) {
            map.ingest(sample("m" + i, BERLIN, MONDAY_0800, 80, 10, 5, 0));
        }
        QosPrediction p = map.predict(BERLIN, tuesday).orElseThrow(); // hour: 3, all hours: 5
        assertThat(p.hourOfWeek()).isEqualTo(QosPrediction.ALL_HOURS);
        assertThat(p.devices()).isEqualTo(5);
        assertThat(map.predict(GeoPoint.of(48.85, 2.35), tuesday)).isEmpty(); // no data at all
    }

    @Test
    void rateLimitDropsAndCountsSamplesBeyondTheHourlyMaximum() {
        QosMap limited = new QosMap(config().withMaxSamplesPerDeviceHour(10), store, SALT, clock);
        List<QosSample> burst = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            burst.add(sample("chatty", BERLIN, MONDAY_0800.plusSeconds(i), 50, 10, 5, 0));
        }
        assertThat(limited.ingestAll(burst)).isEqualTo(10);
        assertThat(limited.ingest(sample("quiet", BERLIN, MONDAY_0800, 50, 10, 5, 0))).isTrue();
        assertThat(limited.stats()).isEqualTo(new QosStats(11, 5, 5, 2, 2));
        clock.advance(Duration.ofHours(1));
        assertThat(limited.ingest(sample("chatty", BERLIN, MONDAY_0800.plusSeconds(99), 50, 10, 5, 0))).isTrue();
    }

    @Test
    void samplesDatedFarAheadOfTheClockAreDropped() {
        Instant now = clock.instant();
        assertThat(map.ingest(sample("d", BERLIN, now.plus(Duration.ofMinutes(61)), 50, 10, 5, 0))).isFalse();
        assertThat(map.ingest(sample("d", BERLIN, now.plus(Duration.ofMinutes(59)), 50, 10, 5, 0))).isTrue();
        assertThat(map.stats().dropped()).isEqualTo(1);
        assertThat(map.stats().rateLimited()).isZero();
    }

    @Test
    void storesOnlyTheSaltedEightByteHashOfTheDevice() throws Exception {
        map.ingest(sample("device-42", BERLIN, MONDAY_0800, 50, 10, 5, 0));
        map.flush();
        H3Core h3 = H3Cells.h3();
        QosBucket b = store.load(h3.latLngToCell(BERLIN.lat(), BERLIN.lon(), 9), 8).orElseThrow();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(SALT);
        long expected = ByteBuffer.wrap(sha.digest("device-42".getBytes(StandardCharsets.UTF_8))).getLong();
        ByteBuffer entry = ByteBuffer.wrap(b.devices());
        assertThat(b.deviceCount()).isEqualTo(1);
        assertThat(entry.getLong()).isEqualTo(expected);
        assertThat(entry.getLong()).isEqualTo(MONDAY_0800.toEpochMilli());
        assertThatThrownBy(() -> new QosMap(config(), store, new byte[8], clock)).hasMessageContaining("salt");
    }

    @Test
    void evictedBucketsAreWrittenBehindAndReadBackOnAMiss() {
        QosMap small = new QosMap(config().withMaxHotBuckets(16), store, SALT, clock);
        Random random = new Random(7);
        List<GeoPoint> places = new ArrayList<>();
        for (int c = 0; c < 30; c++) { // 30 cells × 2 buckets, far more than 16 hot ones
            GeoPoint p = GeoPoint.of(50 + random.nextDouble(), 10 + random.nextDouble());
            places.add(p);
            for (int d = 0; d < 5; d++) {
                small.ingest(sample("d" + d, p, MONDAY_0800, 10 * c + d, 10, 5, 0));
            }
        }
        assertThat(small.stats().buckets()).isLessThanOrEqualTo(16);
        for (int c = 0; c < places.size(); c++) {
            assertThat(small.predict(places.get(c), MONDAY_0800).orElseThrow().rttMs()).isCloseTo(10 * c + 2, within(1e-9));
        }
        small.flush();
        assertThat(store.count()).isEqualTo(60);
        assertThat(small.stats().unwritten()).isZero();
    }

    @Test
    void concurrentIngestLosesNothing() throws Exception {
        int threads = 4, perThread = 2_000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                Random random = new Random(id);
                for (int i = 0; i < perThread; i++) {
                    GeoPoint p = GeoPoint.of(52.5 + random.nextDouble() * 0.01, 13.4 + random.nextDouble() * 0.01);
                    map.ingest(sample("w" + id + "-" + (i % 50), p, MONDAY_0800, 50, 10, 5, 0));
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        assertThat(map.stats().ingested()).isEqualTo((long) threads * perThread);
        map.close();
        assertThatThrownBy(() -> map.ingest(sample("late", BERLIN, MONDAY_0800, 50, 10, 5, 0)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void scoreAndQualityFollowTheDocumentedFormula() {
        QosPrediction good = QosPrediction.of("c", 0, 50, 25, 10, 0, 0, 5, 1);
        assertThat(good.score()).isCloseTo(1, within(1e-12));
        assertThat(good.quality()).isEqualTo("good");
        QosPrediction bad = QosPrediction.of("c", 0, 1000, 0.1, 0.05, 10, 0, 5, 1);
        assertThat(bad.score()).isZero();
        assertThat(bad.quality()).isEqualTo("poor");
        QosPrediction mid = QosPrediction.of("c", 0, 525, Double.NaN, Double.NaN, 5, 0.2, 5, 1);
        assertThat(mid.score()).isCloseTo(0.8 * 0.5, within(1e-12)); // rtt ½ and loss ½ → link ½, × (1 − 0.2)
        assertThat(mid.quality()).isEqualTo("fair");
        assertThat(QosPrediction.of("c", 0, 50, 25, 10, 0, 0.5, 5, 1).quality()).isEqualTo("offline");
    }
}
