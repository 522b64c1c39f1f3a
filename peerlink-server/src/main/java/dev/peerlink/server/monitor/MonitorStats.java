package dev.peerlink.server.monitor;

import java.time.Duration;

/**
 * Counts of a {@link MappingMonitor}. Gauges: {@code monitored}, {@code pending}, {@code healthy}, {@code broken}
 * (broken or repairing now). Counters since start: the rest. Times to repair run from the first failed round to the
 * first answered probe of the repaired mapping; null when nothing was repaired yet.
 */
public record MonitorStats(int monitored, int pending, int healthy, int broken, long probesSent, long probesAnswered,
                           long roundsFailed, long remapsSent, long repaired, long refused, long deferred,
                           Duration lastTimeToRepair, Duration meanTimeToRepair, Duration maxTimeToRepair) {
    public String line() {
        return "monitored=" + monitored + " healthy=" + healthy + " pending=" + pending + " broken=" + broken
                + " probes=" + probesSent + " answered=" + probesAnswered + " failedRounds=" + roundsFailed
                + " remaps=" + remapsSent + " repaired=" + repaired + " refused=" + refused + " deferred=" + deferred
                + " ttr(last/mean/max)=" + ms(lastTimeToRepair) + "/" + ms(meanTimeToRepair) + "/" + ms(maxTimeToRepair);
    }

    private static String ms(Duration d) {
        return d == null ? "-" : d.toMillis() + "ms";
    }
}
