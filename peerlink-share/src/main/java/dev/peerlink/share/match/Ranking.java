package dev.peerlink.share.match;

import dev.peerlink.share.wire.LinkState;

/**
 * The score that orders matched providers, in [0, 1] (docs/sharing.md, "Ranking"):
 * {@code 0.40 bandwidth + 0.25 rtt + 0.20 loss + 0.15 proximity}, then x0.9 when metered and x0.8 when the battery is
 * under 20 %. Bandwidth: {@code log2(1 + min(down, 4 up) / 1000) / log2(101)} capped at 1 (100 Mbit/s scores 1: the
 * uplink counts because the requester's uploads ride it); rtt: {@code 1 / (1 + rtt / 100 ms)}; loss:
 * {@code max(0, 1 - loss / 10 %)}; proximity: {@code 1 / (1 + d / 50 m)} (radio links fade with distance). An unknown
 * measure scores 0.5, neither rewarded nor ruled out.
 */
public final class Ranking {
    private Ranking() {}

    public static double score(LinkState s, double distanceMeters) {
        double down = s.downKbps(), up = s.upKbps();
        double rate = Double.isNaN(down) ? up * 4 : Double.isNaN(up) ? down : Math.min(down, up * 4);
        double bw = Double.isNaN(rate) ? 0.5 : Math.min(1, log2(1 + rate / 1000) / log2(101));
        double rtt = Double.isNaN(s.rttMs()) ? 0.5 : 1 / (1 + s.rttMs() / 100);
        double loss = Double.isNaN(s.lossPct()) ? 0.5 : Math.max(0, 1 - s.lossPct() / 10);
        double near = distanceMeters < 0 || Double.isNaN(distanceMeters) ? 0.5 : 1 / (1 + distanceMeters / 50);
        double score = 0.40 * bw + 0.25 * rtt + 0.20 * loss + 0.15 * near;
        if (s.metered()) {
            score *= 0.9;
        }
        if (s.batteryPct() >= 0 && s.batteryPct() < 20) {
            score *= 0.8;
        }
        return Math.max(0, Math.min(1, score));
    }

    /** Rounds a distance up to the next 10 m, so a requester never learns a provider's position finer than that. */
    public static long roundDistance(double meters) {
        if (Double.isNaN(meters) || meters < 0) {
            return -1;
        }
        return Math.max(10, (long) Math.ceil(meters / 10) * 10);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
