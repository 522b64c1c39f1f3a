package dev.peerlink.share.wire;

/**
 * A provider's connection state as it reports it (seed 001's "network connection state"): online, uplink and
 * downlink estimates (kbit/s), RTT (ms), loss (%), whether the link is metered, battery (%, -1 unknown) and the
 * network type. Unknown measures are {@link Double#NaN}.
 */
public record LinkState(boolean online, double downKbps, double upKbps, double rttMs, double lossPct, boolean metered,
                        int batteryPct, String network) {
    public static final LinkState UNKNOWN = new LinkState(true, Double.NaN, Double.NaN, Double.NaN, Double.NaN, false, -1, "other");

    public LinkState {
        checkRange(downKbps, "downKbps", 0, 100_000_000);
        checkRange(upKbps, "upKbps", 0, 100_000_000);
        checkRange(rttMs, "rttMs", 0, 60_000);
        checkRange(lossPct, "lossPct", 0, 100);
        if (batteryPct < -1 || batteryPct > 100) {
            throw new IllegalArgumentException("batteryPct must be -1 (unknown) or in [0, 100]");
        }
        network = Names.networkType(network == null ? "other" : network);
    }

    private static void checkRange(double v, String name, double min, double max) {
        if (Double.isInfinite(v) || (!Double.isNaN(v) && (v < min || v > max))) {
            throw new IllegalArgumentException(name + " must be unknown or in [" + min + ", " + max + "], got " + v);
        }
    }
}
