package dev.peerlink.share.qos;

import dev.peerlink.share.geo.GeoPoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** Shared fixtures for the QoS map tests. */
final class QosTestSupport {
    static final byte[] SALT = "test-salt-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    /** Monday 2025-03-03 08:00 UTC. */
    static final Instant MONDAY_0800 = Instant.parse("2025-03-03T08:00:00Z");
    static final GeoPoint BERLIN = GeoPoint.of(52.5200, 13.4050);

    private QosTestSupport() {}

    /** No background flusher: tests decide when to flush. */
    static QosConfig config() {
        return QosConfig.defaults().withFlush(5_000, Duration.ZERO);
    }

    static QosSample sample(String device, GeoPoint p, Instant t, double rtt, double down, double up, double loss) {
        return new QosSample(device, p, t.toEpochMilli(), rtt, down, up, loss, 0, 60_000, "4g");
    }

    static QosSample offlineSample(String device, GeoPoint p, Instant t, long offlineMs, long periodMs) {
        return new QosSample(device, p, t.toEpochMilli(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, offlineMs, periodMs, "none");
    }

    /** A clock the test moves by hand. */
    static final class TestClock implements InstantSource {
        private volatile Instant now;

        TestClock(Instant start) {
            now = start;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }
}
