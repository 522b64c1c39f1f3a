package dev.peerlink.server.signal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Ladder outcomes and setup times by path, as devices report them ({@code ladder-report}, docs/protocol.md): the
 * broker validates a report and hands it here once. Published as Micrometer meters — in Prometheus,
 * {@code peerlink_ladder_connections_total{path,outcome}}, {@code peerlink_ladder_setup_seconds{path}} (a histogram
 * with the {@link #SETUP_BUCKETS} as {@code le} bounds) and {@code peerlink_ladder_reports_rejected_total} — and kept as
 * cheap in-memory counts for summaries that should not parse the exposition. Thread-safe.
 *
 * <p>Label values are bounded: a path outside {@link #PATHS} is counted as {@code other}, a failure has path
 * {@code none}, so a device cannot grow the number of series.
 */
public final class LadderReports {
    /** The paths counted under their own name; any other reported path counts as {@code other}. */
    public static final List<String> PATHS = List.of("lan", "direct", "mapped", "reverse", "punch", "birthday", "relay", "other");
    /** The {@code path} tag of failed ladders. */
    public static final String NO_PATH = "none";
    /** Histogram bounds for setup times: LAN setups take tens of ms, relayed ones seconds, the ladder gives up at 12 s. */
    public static final List<Duration> SETUP_BUCKETS = List.of(Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofSeconds(5), Duration.ofSeconds(10));
    /** Distinct failure reasons remembered; later new ones are counted as {@code other}. */
    private static final int MAX_REASONS = 16;

    private final Map<String, Counter> connectedCounters = new LinkedHashMap<>();
    private final Map<String, Timer> setupTimers = new LinkedHashMap<>();
    private final Counter failedCounter;
    private final Counter rejectedCounter;

    // in-memory snapshot, guarded by this
    private final Map<String, Long> connections = new LinkedHashMap<>();
    private final Map<String, Long> failureReasons = new LinkedHashMap<>();
    private final long[] buckets = new long[SETUP_BUCKETS.size()];
    private long failures;
    private long rejected;
    private long setupCount;
    private long setupSumMillis;

    public LadderReports(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Duration[] slos = SETUP_BUCKETS.toArray(Duration[]::new);
        // Every series exists from the start (at 0), so rate() and dashboards see a path before its first connection.
        for (String path : PATHS) {
            connectedCounters.put(path, Counter.builder("peerlink.ladder.connections")
                    .description("Connection ladders that ended, as the initiating devices reported them")
                    .tag("path", path).tag("outcome", "connected").register(registry));
            setupTimers.put(path, Timer.builder("peerlink.ladder.setup")
                    .description("Time from the start of a connection attempt to its first secure session, by path")
                    .tag("path", path).serviceLevelObjectives(slos).register(registry));
            connections.put(path, 0L);
        }
        failedCounter = Counter.builder("peerlink.ladder.connections")
                .description("Connection ladders that ended, as the initiating devices reported them")
                .tag("path", NO_PATH).tag("outcome", "failed").register(registry);
        rejectedCounter = Counter.builder("peerlink.ladder.reports.rejected")
                .description("Ladder reports refused (no such session, not the initiator, not answered, repeated)")
                .register(registry);
    }

    /** The label a reported path is counted under: itself when in {@link #PATHS}, else {@code other}. */
    public static String pathLabel(String path) {
        return path != null && PATHS.contains(path) ? path : "other";
    }

    /** A ladder connected on {@code path} after {@code setupMs}. */
    public void connected(String path, long setupMs) {
        String label = pathLabel(path);
        long ms = Math.max(0, setupMs);
        connectedCounters.get(label).increment();
        setupTimers.get(label).record(ms, TimeUnit.MILLISECONDS);
        synchronized (this) {
            connections.merge(label, 1L, Long::sum);
            setupCount++;
            setupSumMillis += ms;
            for (int i = 0; i < buckets.length; i++) {
                if (ms <= SETUP_BUCKETS.get(i).toMillis()) {
                    buckets[i]++;
                    break;
                }
            }
        }
    }

    /** A ladder gave up; {@code reason} is the device's failure code (null when it gave none). */
    public void failed(String reason) {
        failedCounter.increment();
        synchronized (this) {
            failures++;
            String r = reason == null ? "unknown" : reason;
            if (!failureReasons.containsKey(r) && failureReasons.size() >= MAX_REASONS) {
                r = "other";
            }
            failureReasons.merge(r, 1L, Long::sum);
        }
    }

    /** A report the broker refused. */
    public void recordRejected() {
        rejectedCounter.increment();
        synchronized (this) {
            rejected++;
        }
    }

    /** Connected ladders by path: every path of {@link #PATHS}, in that order, 0 when none. */
    public synchronized Map<String, Long> connectionsByPath() {
        return new LinkedHashMap<>(connections); // filled in PATHS order by the constructor
    }

    public synchronized long failures() {
        return failures;
    }

    /** Failed ladders by the reason the devices gave (at most 16 reasons, then {@code other}). */
    public synchronized Map<String, Long> failuresByReason() {
        return new LinkedHashMap<>(failureReasons);
    }

    public synchronized long rejected() {
        return rejected;
    }

    /** Setup times of connected ladders, all paths together. */
    public synchronized SetupHistogram setupHistogram() {
        long[] cumulative = new long[buckets.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i];
            cumulative[i] = running;
        }
        return new SetupHistogram(SETUP_BUCKETS, cumulative, setupCount, setupSumMillis / 1000.0);
    }

    /**
     * A setup-time histogram in Prometheus' shape: {@code cumulative[i]} setups took at most {@code bounds[i]};
     * {@code count} is every setup (the {@code +Inf} bucket), {@code sumSeconds} their total.
     */
    public record SetupHistogram(List<Duration> bounds, long[] cumulative, long count, double sumSeconds) {
        public SetupHistogram {
            bounds = List.copyOf(bounds);
            cumulative = cumulative.clone();
        }

        @Override
        public long[] cumulative() {
            return cumulative.clone();
        }

        /** Mean setup time, or zero when there was none. */
        public Duration mean() {
            return count == 0 ? Duration.ZERO : Duration.ofNanos((long) (sumSeconds * 1e9 / count));
        }
    }
}
