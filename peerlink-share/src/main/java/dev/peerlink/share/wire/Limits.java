package dev.peerlink.share.wire;

import java.util.List;

/**
 * What a provider allows each requester: concurrent users, bandwidth (kbit/s), bytes per day and destination ports
 * (0 and empty mean no limit).
 */
public record Limits(int maxUsers, long bandwidthKbps, long dailyBytes, List<Integer> ports) {
    public static final Limits NONE = new Limits(0, 0, 0, List.of());
    public static final int MAX_PORTS = 64;

    public Limits {
        if (maxUsers < 0 || maxUsers > 10_000) {
            throw new IllegalArgumentException("maxUsers must be in [0, 10000]");
        }
        if (bandwidthKbps < 0 || dailyBytes < 0) {
            throw new IllegalArgumentException("bandwidth and daily bytes must not be negative");
        }
        ports = List.copyOf(ports == null ? List.of() : ports);
        if (ports.size() > MAX_PORTS) {
            throw new IllegalArgumentException("at most " + MAX_PORTS + " allowed ports");
        }
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port out of range: " + p);
            }
        }
    }

    /** True when destination port {@code port} is allowed. */
    public boolean allowsPort(int port) {
        return ports.isEmpty() || ports.contains(port);
    }
}
