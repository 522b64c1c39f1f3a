package dev.peerlink.share.qos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * When a predicted place counts as a weak spot: any one threshold crossed is enough. A metric that is
 * unknown (NaN) crosses none.
 *
 * @param lossPct weak when predicted loss ≥ this (%)
 * @param rttMs weak when predicted RTT ≥ this (ms)
 * @param downMbps weak when predicted downlink &lt; this (Mbit/s)
 * @param offlineFraction weak when the predicted offline fraction ≥ this (0..1)
 */
public record WeakSpotThresholds(double lossPct, double rttMs, double downMbps, double offlineFraction) {
    public static final WeakSpotThresholds DEFAULT = new WeakSpotThresholds(5, 300, 1, 0.10);

    public WeakSpotThresholds {
        check("lossPct", lossPct, 0, 100);
        check("rttMs", rttMs, 0, QosSample.MAX_RTT_MS);
        check("downMbps", downMbps, 0, QosSample.MAX_MBPS);
        check("offlineFraction", offlineFraction, 0, 1);
    }

    /** Why the prediction is weak ("loss 7.2 % ≥ 5 %; …"), or empty when it is not. */
    public Optional<String> reason(QosPrediction p) {
        List<String> why = new ArrayList<>(4);
        if (p.lossPct() >= lossPct) {
            why.add(String.format(Locale.ROOT, "loss %.1f %% >= %.1f %%", p.lossPct(), lossPct));
        }
        if (p.rttMs() >= rttMs) {
            why.add(String.format(Locale.ROOT, "rtt %.0f ms >= %.0f ms", p.rttMs(), rttMs));
        }
        if (p.downMbps() < downMbps) {
            why.add(String.format(Locale.ROOT, "down %.2f Mbit/s < %.2f Mbit/s", p.downMbps(), downMbps));
        }
        if (p.offlineFraction() >= offlineFraction) {
            why.add(String.format(Locale.ROOT, "offline %.0f %% >= %.0f %%", 100 * p.offlineFraction(), 100 * offlineFraction));
        }
        return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why));
    }

    private static void check(String name, double v, double min, double max) {
        if (!Double.isFinite(v) || v < min || v > max) {
            throw new IllegalArgumentException("weak-spot threshold " + name + " must be in [" + min + ", " + max + "], got " + v);
        }
    }
}
