package dev.peerlink.share.qos;

import java.util.Set;

/**
 * Predicted connection quality in one H3 cell at one hour of the week (Monday 00:00 UTC = 0), or over all
 * hours ({@code hourOfWeek == -1}) when the hour alone had too few devices to disclose. Metric means are
 * NaN when no contributing sample measured them.
 *
 * <p><b>Score</b> (see {@link #of}): each known metric maps linearly to a sub-score in [0, 1] —
 * RTT 1 at ≤ 50 ms … 0 at ≥ 1000 ms; downlink on a log scale, 0 at ≤ 0.1 … 1 at ≥ 25 Mbit/s; uplink on a log
 * scale, 0 at ≤ 0.05 … 1 at ≥ 10 Mbit/s; loss 1 at 0 % … 0 at ≥ 10 %. The link score is their weighted mean
 * (RTT 0.30, down 0.30, up 0.15, loss 0.25, renormalised over the known ones; 0.5 when none is known), and
 * {@code score = (1 − offlineFraction) × link}. <b>Quality</b>: "offline" when offlineFraction ≥ 0.5, else
 * "good" for score ≥ 0.7, "fair" for ≥ 0.4, "poor" below.
 *
 * @param cell H3 address
 * @param devices distinct recent devices behind the figure (capped at {@value QosBucket#MAX_DEVICES})
 * @param weight decayed sample weight now (a fresh sample weighs 1)
 */
public record QosPrediction(String cell, int hourOfWeek, double rttMs, double downMbps, double upMbps, double lossPct,
                            double offlineFraction, double score, String quality, int devices, double weight) {
    public static final Set<String> QUALITIES = Set.of("good", "fair", "poor", "offline");
    public static final int ALL_HOURS = -1;

    public QosPrediction {
        if (cell == null || cell.isEmpty()) {
            throw new IllegalArgumentException("prediction needs a cell");
        }
        if (hourOfWeek < ALL_HOURS || hourOfWeek > 167) {
            throw new IllegalArgumentException("hourOfWeek must be -1 (all hours) or in [0, 167], got " + hourOfWeek);
        }
        if (!(offlineFraction >= 0 && offlineFraction <= 1)) {
            throw new IllegalArgumentException("offlineFraction must be in [0, 1], got " + offlineFraction);
        }
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score must be in [0, 1], got " + score);
        }
        if (!QUALITIES.contains(quality)) {
            throw new IllegalArgumentException("quality must be one of " + QUALITIES + ", got " + quality);
        }
    }

    /** A prediction with score and quality derived from the metrics as documented above. */
    public static QosPrediction of(String cell, int hourOfWeek, double rttMs, double downMbps, double upMbps, double lossPct,
                                   double offlineFraction, int devices, double weight) {
        double link = linkScore(rttMs, downMbps, upMbps, lossPct);
        double score = clamp((1 - offlineFraction) * link);
        String quality = offlineFraction >= 0.5 ? "offline" : score >= 0.7 ? "good" : score >= 0.4 ? "fair" : "poor";
        return new QosPrediction(cell, hourOfWeek, rttMs, downMbps, upMbps, lossPct, offlineFraction, score, quality,
                devices, weight);
    }

    public boolean allHours() {
        return hourOfWeek == ALL_HOURS;
    }

    static double linkScore(double rttMs, double downMbps, double upMbps, double lossPct) {
        double sum = 0, weights = 0;
        if (!Double.isNaN(rttMs)) {
            sum += 0.30 * clamp((1000 - rttMs) / 950);
            weights += 0.30;
        }
        if (!Double.isNaN(downMbps)) {
            sum += 0.30 * clamp(Math.log10(downMbps / 0.1) / Math.log10(250));
            weights += 0.30;
        }
        if (!Double.isNaN(upMbps)) {
            sum += 0.15 * clamp(Math.log10(upMbps / 0.05) / Math.log10(200));
            weights += 0.15;
        }
        if (!Double.isNaN(lossPct)) {
            sum += 0.25 * clamp(1 - lossPct / 10);
            weights += 0.25;
        }
        return weights == 0 ? 0.5 : sum / weights;
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v; // also maps -Infinity (log of 0) to 0
    }
}
