package dev.peerlink.turn.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RefreshScheduleTest {
    private final RefreshSchedule schedule = RefreshSchedule.DEFAULT;

    @Test
    void refreshesAtEightyPercentOfTheRfcLifetimes() {
        assertThat(schedule.refreshAfter(Duration.ofSeconds(600))).isEqualTo(Duration.ofSeconds(480));
        assertThat(schedule.refreshAfter(Duration.ofSeconds(300))).isEqualTo(Duration.ofSeconds(240));
        assertThat(schedule.refreshAfter(Duration.ofSeconds(3600))).isEqualTo(Duration.ofSeconds(2880));
        assertThat(schedule.refreshAfter(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void retriesAtHalfTheRemainingTimeUntilTooCloseToExpiry() {
        assertThat(schedule.retryAfter(Duration.ofSeconds(120))).contains(Duration.ofSeconds(60));
        assertThat(schedule.retryAfter(Duration.ofSeconds(1))).contains(Duration.ofMillis(500));
        assertThat(schedule.retryAfter(Duration.ofMillis(999))).isEmpty();
        assertThat(schedule.retryAfter(Duration.ofSeconds(-3))).isEmpty();
    }

    @Test
    void fractionMustLeaveTimeBeforeExpiry() {
        assertThatThrownBy(() -> new RefreshSchedule(1.0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RefreshSchedule(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
