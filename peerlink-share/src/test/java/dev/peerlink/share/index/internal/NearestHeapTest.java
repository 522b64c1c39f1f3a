package dev.peerlink.share.index.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NearestHeapTest {
    private record Candidate(double meters, String id) {}

    @Test
    void keepsTheLimitNearestInAscendingOrderWithTiesById() {
        Random rnd = new Random(3);
        for (int round = 0; round < 200; round++) {
            int limit = 1 + rnd.nextInt(40);
            NearestHeap heap = new NearestHeap(limit);
            List<Candidate> all = new ArrayList<>();
            int n = rnd.nextInt(120);
            for (int i = 0; i < n; i++) {
                // few distinct distances, so ties are common
                Candidate c = new Candidate(rnd.nextInt(25), "id" + rnd.nextInt(1_000_000));
                all.add(c);
                heap.offer(c.meters(), c.id(), 0, 0, Double.NaN);
            }
            all.sort(Comparator.comparingDouble(Candidate::meters).thenComparing(Candidate::id));
            List<Candidate> drained = new ArrayList<>();
            heap.drainAscending((meters, id, lat, lon, alt) -> drained.add(new Candidate(meters, id)));
            assertThat(drained).containsExactlyElementsOf(all.subList(0, Math.min(limit, all.size())));
            assertThat(heap.size()).isZero();
        }
    }
}
