package dev.peerlink.share.qos;

import static dev.peerlink.share.qos.QosTestSupport.BERLIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QosSampleTest {
    private static QosSample with(double rtt, double down, double loss, long offline, long period, String type) {
        return new QosSample("dev-1", BERLIN, 1_700_000_000_000L, rtt, down, 5, loss, offline, period, type);
    }

    @Test
    void acceptsUnknownMetricsAndNormalisesTheNetworkType() {
        QosSample s = with(Double.NaN, Double.NaN, Double.NaN, 0, 60_000, " WiFi ");
        assertThat(s.networkType()).isEqualTo("wifi");
        assertThat(s.rttMs()).isNaN();
    }

    @Test
    void rejectsInfiniteAndOutOfRangeMetrics() {
        assertThatThrownBy(() -> with(Double.POSITIVE_INFINITY, 1, 0, 0, 60_000, "4g"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rttMs");
        assertThatThrownBy(() -> with(60_001, 1, 0, 0, 60_000, "4g")).hasMessageContaining("rttMs");
        assertThatThrownBy(() -> with(10, -1, 0, 0, 60_000, "4g")).hasMessageContaining("downMbps");
        assertThatThrownBy(() -> with(10, 1, 100.5, 0, 60_000, "4g")).hasMessageContaining("lossPct");
    }

    @Test
    void rejectsBadPeriodsOfflineTimesNetworkTypesAndKeys() {
        assertThatThrownBy(() -> with(10, 1, 0, 0, 999, "4g")).hasMessageContaining("periodMs");
        assertThatThrownBy(() -> with(10, 1, 0, 0, 3_600_001, "4g")).hasMessageContaining("periodMs");
        assertThatThrownBy(() -> with(10, 1, 0, 61_000, 60_000, "4g")).hasMessageContaining("offlineMs");
        assertThatThrownBy(() -> with(10, 1, 0, -1, 60_000, "4g")).hasMessageContaining("offlineMs");
        assertThatThrownBy(() -> with(10, 1, 0, 0, 60_000, "6g")).hasMessageContaining("networkType");
        assertThatThrownBy(() -> with(10, 1, 0, 0, 60_000, null)).hasMessageContaining("networkType");
        assertThatThrownBy(() -> new QosSample(" ", BERLIN, 1, 1, 1, 1, 1, 0, 60_000, "4g")).hasMessageContaining("device");
        assertThatThrownBy(() -> new QosSample("d", null, 1, 1, 1, 1, 1, 0, 60_000, "4g")).hasMessageContaining("point");
        assertThatThrownBy(() -> new QosSample("d", BERLIN, 0, 1, 1, 1, 1, 0, 60_000, "4g")).hasMessageContaining("time");
    }
}
