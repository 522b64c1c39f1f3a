package dev.peerlink.cast.media;

/**
 * Picks the encoder's bitrate from what the sender sees: how long its backlog takes to drain (queue delay) and the
 * throughput the path actually achieved. Pure and clock-free (the caller passes the time), so it is tested against a
 * simulated path.
 *
 * <ul>
 *   <li>Decrease (multiplicative) when the delay stays above {@code congestedDelay} for {@code congestedFor}, to
 *       {@code min(target × decreaseFactor, throughput × decreaseFactor)}: below what gets through, so the queue drains. No
 *       further decrease while the target is already below 90 % of the throughput (the queue is draining) or within
 *       {@code holdAfterDecrease}.</li>
 *   <li>Increase (additive, {@code increaseStep}) after the delay stayed under {@code clearDelay} for {@code clearFor};
 *       three times as long when the step would pass the rate that last congested the path, so it probes that rate
 *       seldom instead of see-sawing around it (once past it without congestion, the normal pace resumes).</li>
 *   <li>A delay between the two thresholds counts as neither (hysteresis), and a spike shorter than
 *       {@code congestedFor} changes nothing; congestion ends after half of {@code congestedFor} under the threshold.</li>
 * </ul>
 */
public final class AdaptiveBitrate {
    /** Tuning; {@link AdaptiveBitrate#of(int, int, int)} gives the defaults. */
    public record Config(int minKbps, int maxKbps, int startKbps, long congestedDelayMillis, long congestedForMillis, long clearDelayMillis,
            long clearForMillis, double decreaseFactor, int increaseStepKbps, long holdAfterDecreaseMillis) {
        public Config {
            if (minKbps < 1 || maxKbps < minKbps || startKbps < minKbps || startKbps > maxKbps) {
                throw new IllegalArgumentException("need 1 <= min <= start <= max: " + minKbps + ", " + startKbps + ", " + maxKbps);
            }
            if (clearDelayMillis >= congestedDelayMillis) {
                throw new IllegalArgumentException("clear delay must be below the congested delay (hysteresis)");
            }
            if (decreaseFactor <= 0 || decreaseFactor >= 1 || increaseStepKbps < 1) {
                throw new IllegalArgumentException("decrease factor in (0, 1), increase step >= 1");
            }
        }
    }

    /** 300 ms for 1 s is congestion; under 100 ms for 5 s is clean; ×0.85 down; up by a tenth of the max. */
    public static Config of(int minKbps, int maxKbps, int startKbps) {
        return new Config(minKbps, maxKbps, startKbps, 300, 1000, 100, 5000, 0.85, Math.max(1, maxKbps / 10), 2000);
    }

    private final Config c;
    private int target;
    private long congestedSince = -1;
    private long lastHigh = Long.MIN_VALUE / 2;
    private long clearSince = -1;
    private long lastDecrease = Long.MIN_VALUE / 2;
    private int lastCongestedKbps = Integer.MAX_VALUE;

    public AdaptiveBitrate(Config config) {
        this.c = config;
        this.target = config.startKbps();
    }

    public int target() {
        return target;
    }

    /**
     * @param backlogBytes   bytes queued at the sender, not yet on the wire
     * @param throughputKbps what the sender got through over the last second or so; 0 if unknown
     * @return the target bitrate in kbit/s
     */
    public int onBacklog(long nowMillis, long backlogBytes, int throughputKbps) {
        int rate = throughputKbps > 0 ? throughputKbps : target;
        return onDelay(nowMillis, backlogBytes * 8 / Math.max(1, rate), throughputKbps); // bytes*8 / kbit/s = ms
    }

    /** As {@link #onBacklog} with the queue delay measured directly (e.g. the age of the oldest queued frame). */
    public int onDelay(long nowMillis, long queueDelayMillis, int throughputKbps) {
        if (queueDelayMillis > c.congestedDelayMillis()) {
            clearSince = -1;
            lastHigh = nowMillis;
            if (congestedSince < 0) {
                congestedSince = nowMillis;
            }
            boolean draining = throughputKbps > 0 && target < 0.9 * throughputKbps;
            if (nowMillis - congestedSince >= c.congestedForMillis() && nowMillis - lastDecrease >= c.holdAfterDecreaseMillis() && !draining) {
                lastCongestedKbps = target;
                double next = target * c.decreaseFactor();
                if (throughputKbps > 0) {
                    next = Math.min(next, throughputKbps * c.decreaseFactor());
                }
                target = clamp((int) next);
                lastDecrease = nowMillis;
                congestedSince = nowMillis;
            }
            return target;
        }
        if (nowMillis - lastHigh >= c.congestedForMillis() / 2) {
            // a dip shorter than that does not end congestion: a sender that drops its backlog (skips to the next key
            // frame) sees the delay fall to zero and climb again while the path is still too slow
            congestedSince = -1;
        }
        if (queueDelayMillis < c.clearDelayMillis()) {
            if (clearSince < 0) {
                clearSince = nowMillis;
            }
            boolean pastCongestion = target + c.increaseStepKbps() >= lastCongestedKbps;
            if (nowMillis - clearSince >= (pastCongestion ? 3 * c.clearForMillis() : c.clearForMillis()) && target < c.maxKbps()) {
                target = clamp(target + c.increaseStepKbps());
                clearSince = nowMillis;
                if (pastCongestion) {
                    lastCongestedKbps = Integer.MAX_VALUE; // the path has room now: back to the normal pace
                }
            }
        } else {
            clearSince = -1;
        }
        return target;
    }

    private int clamp(int kbps) {
        return Math.max(c.minKbps(), Math.min(c.maxKbps(), kbps));
    }
}
