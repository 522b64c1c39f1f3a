package dev.peerlink.share.index.internal;

import java.util.Arrays;

/**
 * Keeps the {@code limit} nearest of the candidates offered. Candidates stay where they were stored (a replaced one
 * gives up its slot); the heap order lives in an int array, so sifting moves no references (no GC write barriers).
 * Until {@code limit} candidates arrive nothing is ordered at all, and the result is sorted once, at the end. The
 * arrays grow only as far as the candidates need, so a small find stays small whatever its limit.
 */
final class NearestHeap {
    private static final int SLOT_BITS = 14;
    private static final long SLOT_MASK = (1L << SLOT_BITS) - 1;
    private final int limit;
    private double[] meters;
    private String[] ids;
    private double[] lats, lons, alts;
    // slots in max-heap order on (distance, id) once full; in arrival order before
    private int[] heap;
    private int size;

    NearestHeap(int limit) {
        if (limit < 1 || limit > 1 << SLOT_BITS) {
            throw new IllegalArgumentException("limit must be in [1, " + (1 << SLOT_BITS) + "], got " + limit);
        }
        this.limit = limit;
        int initial = Math.min(limit, 16);
        meters = new double[initial];
        ids = new String[initial];
        lats = new double[initial];
        lons = new double[initial];
        alts = new double[initial];
        heap = new int[initial];
    }

    void offer(double distance, String id, double lat, double lon, double alt) {
        if (size < limit) {
            if (size == meters.length) {
                int grown = Math.min(limit, size * 2);
                meters = Arrays.copyOf(meters, grown);
                ids = Arrays.copyOf(ids, grown);
                lats = Arrays.copyOf(lats, grown);
                lons = Arrays.copyOf(lons, grown);
                alts = Arrays.copyOf(alts, grown);
                heap = Arrays.copyOf(heap, grown);
            }
            store(size, distance, id, lat, lon, alt);
            heap[size] = size;
            if (++size == limit) {
                heapify();
            }
        } else if (farther(heap[0], distance, id)) {
            store(heap[0], distance, id, lat, lon, alt);
            siftDown(0, size);
        }
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size == limit;
    }

    /** The farthest distance kept; meaningful once full. */
    double worstMeters() {
        return meters[heap[0]];
    }

    /** Empties the heap into the sink, nearest first. */
    void drainAscending(Sink sink) {
        // Sort once by distance with the slot packed into the low bits of its (non-negative, so order-preserving)
        // bit pattern; the few candidates that then share a truncated key are put in exact order by insertion.
        long[] keys = new long[size];
        for (int slot = 0; slot < size; slot++) {
            keys[slot] = (Double.doubleToRawLongBits(meters[slot]) & ~SLOT_MASK) | slot;
        }
        Arrays.sort(keys);
        int[] order = heap;
        for (int i = 0; i < size; i++) {
            int slot = (int) (keys[i] & SLOT_MASK);
            int j = i;
            while (j > 0 && farther(order[j - 1], slot)) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = slot;
        }
        for (int i = 0; i < size; i++) {
            int slot = order[i];
            sink.accept(meters[slot], ids[slot], lats[slot], lons[slot], alts[slot]);
        }
        size = 0;
    }

    interface Sink {
        void accept(double meters, String id, double lat, double lon, double alt);
    }

    private void heapify() {
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(i, size);
        }
    }

    /** Whether the candidate in {@code slot} orders after (distance, id): the heap's "larger" relation. */
    private boolean farther(int slot, double distance, String id) {
        double d = meters[slot];
        return d > distance || (d == distance && ids[slot].compareTo(id) > 0);
    }

    private boolean farther(int slotA, int slotB) {
        return farther(slotA, meters[slotB], ids[slotB]);
    }

    private void siftDown(int i, int end) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= end) {
                return;
            }
            int largest = left;
            int right = left + 1;
            if (right < end && farther(heap[right], heap[left])) {
                largest = right;
            }
            if (!farther(heap[largest], heap[i])) {
                return;
            }
            swap(i, largest);
            i = largest;
        }
    }

    private void store(int slot, double distance, String id, double lat, double lon, double alt) {
        meters[slot] = distance;
        ids[slot] = id;
        lats[slot] = lat;
        lons[slot] = lon;
        alts[slot] = alt;
    }

    private void swap(int a, int b) {
        int t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
    }
}
