package dev.peerlink.share.wire;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a requester needs (seed 001's "network configuration condition"): services, minimum link rates (kbit/s),
 * maximum RTT (ms) and loss (%), whether a metered link will do, a minimum battery, destination ports it will use and
 * link types it can reach a provider over (empty: any). Zero or NaN thresholds mean "no requirement".
 */
public record Conditions(Set<ServiceType> services, double minDownKbps, double minUpKbps, double maxRttMs,
                         double maxLossPct, boolean allowMetered, int minBatteryPct, List<Integer> ports, List<String> links) {
    public static final Conditions ANY = new Conditions(Set.of(), 0, 0, 0, 0, true, 0, List.of(), List.of());

    public Conditions {
        services = services == null || services.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(services));
        // NaN is "no requirement", as 0 is; kept as 0 so equal conditions compare equal
        minDownKbps = Double.isNaN(minDownKbps) ? 0 : minDownKbps;
        minUpKbps = Double.isNaN(minUpKbps) ? 0 : minUpKbps;
        maxRttMs = Double.isNaN(maxRttMs) ? 0 : maxRttMs;
        maxLossPct = Double.isNaN(maxLossPct) ? 0 : maxLossPct;
        for (double v : new double[] {minDownKbps, minUpKbps, maxRttMs, maxLossPct}) {
            if (Double.isInfinite(v) || v < 0) {
                throw new IllegalArgumentException("thresholds must be finite and not negative");
            }
        }
        if (maxLossPct > 100) {
            throw new IllegalArgumentException("maxLossPct must be at most 100");
        }
        if (minBatteryPct < 0 || minBatteryPct > 100) {
            throw new IllegalArgumentException("minBatteryPct must be in [0, 100]");
        }
        ports = new Limits(0, 0, 0, ports).ports();
        links = Names.labels(links, "links");
    }

    public static Conditions needing(Set<ServiceType> services) {
        return new Conditions(services, 0, 0, 0, 0, true, 0, List.of(), List.of());
    }
}
