package dev.peerlink.share.qos;

import static dev.peerlink.share.qos.QosTestSupport.BERLIN;
import static dev.peerlink.share.qos.QosTestSupport.MONDAY_0800;
import static dev.peerlink.share.qos.QosTestSupport.SALT;
import static dev.peerlink.share.qos.QosTestSupport.config;
import static dev.peerlink.share.qos.QosTestSupport.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A shared map whose store refuses a merge keeps its delta and writes every sample exactly once later. */
class SharedQosMapFailureTest {
    /** An in-memory shared store that fails the next merge on demand. */
    private static final class FlakyStore implements QosStore {
        final InMemoryQosStore inner = new InMemoryQosStore();
        boolean failNext;

        @Override
        public Optional<QosBucket> load(long cell, int hourOfWeek) {
            return inner.load(cell, hourOfWeek);
        }

        @Override
        public void upsert(Collection<QosBucket> buckets) {
            throw new AssertionError("a shared map must merge, never replace");
        }

        @Override
        public void merge(Collection<QosBucket> deltas, double halfLifeMs) {
            if (failNext) {
                failNext = false;
                throw new QosStoreException("database down");
            }
            inner.merge(deltas, halfLifeMs);
        }

        @Override
        public long count() {
            return inner.count();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFailedMergeIsRetriedWithLaterSamplesAndNothingCountsTwice() {
        FlakyStore store = new FlakyStore();
        QosTestSupport.TestClock clock = new QosTestSupport.TestClock(MONDAY_0800);
        try (QosMap map = QosMap.shared(config(), store, SALT, clock, Duration.ZERO)) {
            for (int d = 0; d < 3; d++) {
                map.ingest(sample("d" + d, BERLIN, MONDAY_0800.minusSeconds(60), 40, 20, 5, 0));
            }
            store.failNext = true;
            assertThrows(QosStoreException.class, map::flush);
            assertEquals(0, store.count());
            for (int d = 3; d < 6; d++) {
                map.ingest(sample("d" + d, BERLIN, MONDAY_0800.minusSeconds(30), 40, 20, 5, 0));
            }
            map.flush();
            long cell = Long.parseUnsignedLong(map.cellOf(BERLIN), 16);
            assertEquals(6, store.load(cell, QosPrediction.ALL_HOURS).orElseThrow().samples());
            assertEquals(6, map.predict(BERLIN, MONDAY_0800).orElseThrow().devices());
            assertEquals(0, map.stats().unwritten());
        }
    }
}
