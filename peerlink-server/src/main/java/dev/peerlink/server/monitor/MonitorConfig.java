package dev.peerlink.server.monitor;

import java.time.Duration;

/**
 * The mapping monitor's settings.
 *
 * @param interval time between probe rounds of one mapping (default 60 s)
 * @param probeTimeout how long a probe waits for the device's {@code probe-ack}; a round fails after
 *        {@code 1 + retries} unanswered probes
 * @param retries extra probes in a round before it counts as failed (default 1)
 * @param maxProbesPerSecond server-wide probe budget (datagrams plus TCP connects); beyond it probes wait
 * @param maxMappings mappings monitored at most (memory bound); beyond it new ones are not monitored
 * @param maxMappingsPerIp mappings monitored at most per external IP (many devices behind one NAT, or many identities)
 * @param allowForeignExternal probe external addresses other than the IP the device's signalling connection comes
 *        from (off by default: otherwise a device could point the monitor at any host)
 * @param tick granularity of the monitor's scheduler
 */
public record MonitorConfig(Duration interval, Duration probeTimeout, int retries, int maxProbesPerSecond,
                            int maxMappings, int maxMappingsPerIp, boolean allowForeignExternal, Duration tick) {
    public MonitorConfig {
        if (interval.toMillis() < 10 || probeTimeout.toMillis() < 1 || retries < 0 || maxProbesPerSecond < 1
                || maxMappings < 1 || maxMappingsPerIp < 1 || tick.toMillis() < 1) {
            throw new IllegalArgumentException("bad mapping monitor settings");
        }
        if (probeTimeout.multipliedBy(retries + 1L).compareTo(interval) >= 0) {
            throw new IllegalArgumentException("probeTimeout x (retries+1) must be shorter than the interval");
        }
    }

    public static MonitorConfig defaults() {
        return new MonitorConfig(Duration.ofSeconds(60), Duration.ofSeconds(3), 1, 2000, 200_000, 256, false,
                Duration.ofMillis(250));
    }

    /** Defaults scaled to {@code interval} (timeouts a tenth of it, tick a fiftieth): for tests. */
    public static MonitorConfig every(Duration interval) {
        MonitorConfig d = defaults();
        return new MonitorConfig(interval, interval.dividedBy(10), 1, d.maxProbesPerSecond(), d.maxMappings(),
                d.maxMappingsPerIp(), false, Duration.ofMillis(Math.max(1, interval.toMillis() / 50)));
    }

    public MonitorConfig withAllowForeignExternal(boolean allow) {
        return new MonitorConfig(interval, probeTimeout, retries, maxProbesPerSecond, maxMappings, maxMappingsPerIp, allow, tick);
    }

    public MonitorConfig withMaxProbesPerSecond(int n) {
        return new MonitorConfig(interval, probeTimeout, retries, n, maxMappings, maxMappingsPerIp, allowForeignExternal, tick);
    }

    public MonitorConfig withLimits(int maxMappings, int maxMappingsPerIp) {
        return new MonitorConfig(interval, probeTimeout, retries, maxProbesPerSecond, maxMappings, maxMappingsPerIp,
                allowForeignExternal, tick);
    }
}
