package dev.peerlink.exit.pool;

/**
 * The exit choice (docs/sharing.md, "Choosing the exit"): a score in [0, 1] from what the requester measures itself,
 * and a switch rule with hysteresis.
 *
 * <p>{@code score = (0.45 rtt + 0.35 loss + 0.20 rate) x stall}: rtt {@code 1 / (1 + rtt / 80 ms)}; loss
 * {@code max(0, 1 - loss / 20 %)}; rate from the provider's reported link, {@code log2(1 + min(down, 4 up) kbit/s / 1000)
 * / log2(101)} capped at 1 (the uplink counts: the requester's uploads ride it), 0.5 when unknown; stall 0 when no pong came for {@link #DEAD_MS}, 0.3 past
 * {@link #STALL_MS} (3.5 ping intervals: a crashed provider stops taking new flows within ~0.7 s), else 1.
 *
 * <p>Switching: new flows leave the current exit at once when it is dead or stalled; otherwise only for a candidate
 * whose score beats the current one by {@link #MARGIN} (relative) for {@link #HOLD_MS} in a row — two equal providers
 * never flap.
 */
public final class ExitScore {
    public static final double STALL_MS = 700, DEAD_MS = 3_000;
    public static final double MARGIN = 0.15;
    public static final long HOLD_MS = 2_000;

    private ExitScore() {}

    public static double score(double rttMs, double loss, double downKbps, double silentMs) {
        return score(rttMs, loss, downKbps, Double.NaN, silentMs);
    }

    public static double score(double rttMs, double loss, double downKbps, double upKbps, double silentMs) {
        double stall = silentMs >= DEAD_MS ? 0 : silentMs >= STALL_MS ? 0.3 : 1;
        double r = Double.isNaN(rttMs) ? 0.5 : 1 / (1 + rttMs / 80);
        double l = Math.max(0, 1 - loss / 0.20);
        double kbps = Double.isNaN(upKbps) ? downKbps : Double.isNaN(downKbps) ? 4 * upKbps : Math.min(downKbps, 4 * upKbps);
        double rate = Double.isNaN(kbps) ? 0.5 : Math.min(1, Math.log(1 + kbps / 1000) / Math.log(101));
        return (0.45 * r + 0.35 * l + 0.20 * rate) * stall;
    }

    /** True when {@code candidate} is better enough than {@code current} to count toward a switch. */
    public static boolean clearlyBetter(double candidate, double current) {
        return candidate > current * (1 + MARGIN) + 0.01;
    }

    /** True when the exit must not take new flows at all. */
    public static boolean unusable(double silentMs) {
        return silentMs >= STALL_MS;
    }
}
