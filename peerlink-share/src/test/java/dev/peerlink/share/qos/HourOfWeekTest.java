package dev.peerlink.share.qos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.share.qos.internal.HourOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HourOfWeekTest {
    @Test
    void mondayMidnightIsZeroAndSundayLateIs167() {
        assertThat(HourOfWeek.of(Instant.parse("2025-03-03T00:00:00Z").toEpochMilli())).isZero();
        assertThat(HourOfWeek.of(Instant.parse("2025-03-03T08:00:00Z").toEpochMilli())).isEqualTo(8);
        assertThat(HourOfWeek.of(Instant.parse("2025-03-09T23:59:59.999Z").toEpochMilli())).isEqualTo(167);
        assertThat(HourOfWeek.of(Instant.parse("1969-12-31T23:00:00Z").toEpochMilli())).isEqualTo(2 * 24 + 23);
    }

    @Test
    void agreesWithJavaTimeOnRandomInstants() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            long ms = random.nextLong(-5_000_000_000_000L, 5_000_000_000_000L);
            ZonedDateTime t = Instant.ofEpochMilli(ms).atZone(ZoneOffset.UTC);
            int expected = (t.getDayOfWeek().getValue() - 1) * 24 + t.getHour();
            assertThat(HourOfWeek.of(ms)).as("%s", t).isEqualTo(expected);
        }
    }
}
