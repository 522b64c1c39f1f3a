package dev.peerlink.server.transfer;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a transfer tier did since it started: how much offered content it did not have to receive (the point of
 * deduplication), what it stored, refused and delivered. Counters only; {@link #snapshot()} reads them all.
 */
public final class TransferStats {
    final LongAdder offers = new LongAdder();
    final LongAdder bytesOffered = new LongAdder();
    final LongAdder proofsAnswered = new LongAdder();
    final LongAdder contentHits = new LongAdder();
    final LongAdder delegated = new LongAdder();
    final LongAdder bytesSkipped = new LongAdder();
    final LongAdder chunksStored = new LongAdder();
    final LongAdder bytesStored = new LongAdder();
    final LongAdder chunksRefused = new LongAdder();
    final LongAdder deliveriesCreated = new LongAdder();
    final LongAdder deliveriesAcked = new LongAdder();
    final LongAdder notices = new LongAdder();

    /**
     * @param offers upload sessions started
     * @param bytesOffered sizes of the contents offered
     * @param proofsAnswered plans sent after a proof
     * @param contentHits plans with nothing to upload (held here, or by the central server for a private tier)
     * @param delegated of those, held by the central server (it finishes and delivers)
     * @param bytesSkipped bytes proven instead of uploaded
     * @param chunksStored chunks received, verified and stored
     * @param bytesStored their bytes
     * @param chunksRefused chunks that did not match the manifest
     * @param deliveriesCreated deliveries made (content accepted for a target)
     * @param deliveriesAcked deliveries the target acknowledged
     * @param notices delivery notices sent on signalling connections
     */
    public record Snapshot(long offers, long bytesOffered, long proofsAnswered, long contentHits, long delegated,
                           long bytesSkipped, long chunksStored, long bytesStored, long chunksRefused, long deliveriesCreated,
                           long deliveriesAcked, long notices) {
        /** Share of offered bytes that were proven rather than uploaded, 0..1 (0 before any proof). */
        public double dedupRatio() {
            long decided = bytesSkipped + bytesStored;
            return decided == 0 ? 0 : (double) bytesSkipped / decided;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "offers=%d (%d bytes) proofs=%d hits=%d (central %d) skipped=%d bytes"
                    + " stored=%d chunks (%d bytes) refused=%d dedup=%.1f%% deliveries=%d acked=%d notices=%d", offers,
                    bytesOffered, proofsAnswered, contentHits, delegated, bytesSkipped, chunksStored, bytesStored, chunksRefused,
                    100 * dedupRatio(), deliveriesCreated, deliveriesAcked, notices);
        }
    }

    public Snapshot snapshot() {
        return new Snapshot(offers.sum(), bytesOffered.sum(), proofsAnswered.sum(), contentHits.sum(), delegated.sum(),
                bytesSkipped.sum(), chunksStored.sum(), bytesStored.sum(), chunksRefused.sum(), deliveriesCreated.sum(),
                deliveriesAcked.sum(), notices.sum());
    }

    // increments, for the service (another package)

    public void offered(long bytes) {
        offers.increment();
        bytesOffered.add(bytes);
    }

    public void planned(long contentBytes, long bytesNeeded, boolean byCentral) {
        proofsAnswered.increment();
        bytesSkipped.add(contentBytes - bytesNeeded);
        if (bytesNeeded == 0) {
            contentHits.increment();
            if (byCentral) {
                delegated.increment();
            }
        }
    }

    public void stored(long bytes) {
        chunksStored.increment();
        bytesStored.add(bytes);
    }

    public void refused() {
        chunksRefused.increment();
    }

    public void delivery() {
        deliveriesCreated.increment();
    }

    public void acked() {
        deliveriesAcked.increment();
    }

    public void notice() {
        notices.increment();
    }
}
