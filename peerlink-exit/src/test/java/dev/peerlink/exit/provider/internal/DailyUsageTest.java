package dev.peerlink.exit.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DailyUsageTest {
    /** A clock the test moves. */
    static final class Manual extends Clock {
        final AtomicLong millis;

        Manual(String instant) {
            millis = new AtomicLong(Instant.parse(instant).toEpochMilli());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void countsPerRequesterAndSurvivesARestartTheSameDay(@TempDir Path dir) {
        Manual clock = new Manual("2026-03-01T10:00:00Z");
        DailyUsage u = new DailyUsage(dir, clock);
        assertThat(u.add("a", 100)).isEqualTo(100);
        assertThat(u.add("a", 50)).isEqualTo(150);
        u.add("b", 7);
        u.save();
        clock.millis.addAndGet(3_600_000);
        DailyUsage again = new DailyUsage(dir, clock);
        assertThat(again.used("a")).isEqualTo(150);
        assertThat(again.snapshot()).containsEntry("b", 7L).hasSize(2);
    }

    @Test
    void aNewUtcDayStartsFromZeroInMemoryAndOnDisk(@TempDir Path dir) {
        Manual clock = new Manual("2026-03-01T23:59:59Z");
        DailyUsage u = new DailyUsage(dir, clock);
        u.add("a", 1000);
        u.save();
        clock.millis.addAndGet(2000); // 00:00:01 the next day
        assertThat(u.used("a")).isZero();
        assertThat(new DailyUsage(dir, clock).used("a")).as("yesterday's file is not today's count").isZero();
        u.add("a", 5);
        u.save();
        assertThat(new DailyUsage(dir, clock).used("a")).isEqualTo(5);
    }

    @Test
    void anUnreadableFileCountsFromZero(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(DailyUsage.FILE), "{not json");
        DailyUsage u = new DailyUsage(dir, new Manual("2026-03-01T10:00:00Z"));
        assertThat(u.used("a")).isZero();
        Files.writeString(dir.resolve(DailyUsage.FILE), "{\"day\":\"2026-03-01\",\"bytes\":{\"a\":-5,\"b\":\"x\",\"c\":9}}");
        assertThat(new DailyUsage(dir, new Manual("2026-03-01T11:00:00Z")).snapshot()).containsExactly(java.util.Map.entry("c", 9L));
    }

    @Test
    void withoutADirectoryNothingIsWritten(@TempDir Path dir) throws Exception {
        DailyUsage u = new DailyUsage(null, Clock.systemUTC());
        u.add("a", 1);
        u.save();
        assertThat(u.used("a")).isEqualTo(1);
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
