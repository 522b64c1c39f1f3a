package dev.peerlink.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LadderReportsTest {
    final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final LadderReports reports = new LadderReports(prometheus);

    @Test
    void countsByPathAndBucketsSetupTimes() {
        reports.connected("lan", 40);
        reports.connected("lan", 260);
        reports.connected("relay", 3_100);
        reports.failed("no-path");

        assertThat(reports.connectionsByPath()).containsExactly(
                java.util.Map.entry("lan", 2L), java.util.Map.entry("direct", 0L), java.util.Map.entry("mapped", 0L),
                java.util.Map.entry("reverse", 0L), java.util.Map.entry("punch", 0L), java.util.Map.entry("birthday", 0L),
                java.util.Map.entry("relay", 1L), java.util.Map.entry("other", 0L));
        assertThat(reports.failures()).isEqualTo(1);
        assertThat(reports.failuresByReason()).containsExactly(java.util.Map.entry("no-path", 1L));
        LadderReports.SetupHistogram h = reports.setupHistogram();
        assertThat(h.bounds()).isEqualTo(LadderReports.SETUP_BUCKETS);
        // le 0.1: 40 ms; le 0.25: still 1; le 0.5: +260 ms; ... le 5: +3.1 s
        assertThat(h.cumulative()).containsExactly(1, 1, 2, 2, 2, 2, 3, 3);
        assertThat(h.count()).isEqualTo(3);
        assertThat(h.sumSeconds()).isEqualTo(3.4);
        assertThat(h.mean()).isEqualTo(Duration.ofMillis(1_133).plusNanos(333_333));
    }

    @Test
    void prometheusExposesTheCounterAndTheHistogramBuckets() {
        reports.connected("direct", 180);
        reports.failed(null);
        String text = prometheus.scrape();
        assertThat(text)
                .contains("peerlink_ladder_connections_total{outcome=\"connected\",path=\"direct\"} 1.0")
                .contains("peerlink_ladder_connections_total{outcome=\"connected\",path=\"lan\"} 0.0")
                .contains("peerlink_ladder_connections_total{outcome=\"failed\",path=\"none\"} 1.0")
                .contains("peerlink_ladder_setup_seconds_bucket{path=\"direct\",le=\"0.1\"} 0")
                .contains("peerlink_ladder_setup_seconds_bucket{path=\"direct\",le=\"0.25\"} 1")
                .contains("peerlink_ladder_setup_seconds_bucket{path=\"direct\",le=\"10.0\"} 1")
                .contains("peerlink_ladder_setup_seconds_bucket{path=\"direct\",le=\"+Inf\"} 1")
                .contains("peerlink_ladder_setup_seconds_count{path=\"direct\"} 1")
                .contains("peerlink_ladder_setup_seconds_sum{path=\"direct\"} 0.18")
                .contains("peerlink_ladder_reports_rejected_total 0.0");
    }

    @Test
    void labelsStayBounded() {
        for (int i = 0; i < 100; i++) {
            reports.connected("path-" + i, 5);
            reports.failed("reason-" + i);
        }
        assertThat(reports.connectionsByPath()).hasSize(LadderReports.PATHS.size()).containsEntry("other", 100L);
        assertThat(reports.failuresByReason()).hasSize(17).containsEntry("other", 84L);
        assertThat(prometheus.scrape().lines().filter(l -> l.startsWith("peerlink_ladder_connections_total{"))).hasSize(9);
        assertThat(LadderReports.pathLabel("birthday")).isEqualTo("birthday");
        assertThat(LadderReports.pathLabel(null)).isEqualTo("other");
    }

    @Test
    void rejectedReportsAreCountedApart() {
        reports.recordRejected();
        assertThat(reports.rejected()).isEqualTo(1);
        assertThat(reports.connectionsByPath().values()).allMatch(n -> n == 0);
        assertThat(prometheus.scrape()).contains("peerlink_ladder_reports_rejected_total 1.0");
    }
}
