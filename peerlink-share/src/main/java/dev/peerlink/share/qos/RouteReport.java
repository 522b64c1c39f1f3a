package dev.peerlink.share.qos;

import java.time.Instant;
import java.util.List;

/**
 * What the QoS map predicts along a route: every cell the route passes, in order (a cell entered again after
 * leaving it appears again), and the weak spots among them.
 */
public record RouteReport(List<CellVisit> cells, List<WeakSpot> weakSpots) {
    public RouteReport {
        cells = List.copyOf(cells);
        weakSpots = List.copyOf(weakSpots);
    }

    /**
     * One pass through a cell.
     *
     * @param cell H3 address
     * @param enter when the route enters the cell
     * @param leave when it enters the next one (or the route ends)
     * @param prediction null when unknown: no data, or too few devices to disclose (k-anonymity)
     * @param weak whether the prediction crosses a weak-spot threshold (never for unknown cells)
     * @param reason why it is weak, null when not
     */
    public record CellVisit(String cell, Instant enter, Instant leave, QosPrediction prediction, boolean weak, String reason) {
        public CellVisit {
            if (cell == null || enter == null || leave == null || leave.isBefore(enter)) {
                throw new IllegalArgumentException("cell visit needs a cell and enter ≤ leave times");
            }
            if (weak != (reason != null) || (weak && prediction == null)) {
                throw new IllegalArgumentException("a weak visit needs a prediction and a reason, and only a weak one has a reason");
            }
        }

        public boolean known() {
            return prediction != null;
        }

        /** The predicted quality, or "unknown". */
        public String quality() {
            return prediction == null ? "unknown" : prediction.quality();
        }
    }

    /** A weak cell on the route, and when the requester is in it. */
    public record WeakSpot(String cell, Instant from, Instant to, String reason) {}
}
