package dev.peerlink.share.index.internal;

import dev.peerlink.share.geo.GeoPoint;
import java.util.Arrays;

/**
 * Keeps the {@code limit} nearest of the candidates offered: a binary max-heap on (distance, id) in parallel
 * arrays that grow only as far as the candidates need, so a small query stays small whatever its limit.
 */
final class NearestHeap {
    private final int limit;
    private double[] meters;
    private String[] ids;
    private GeoPoint[] points;
    private int size;

    NearestHeap(int limit) {
        this.limit = limit;
        int initial = Math.min(limit, 16);
        meters = new double[initial];
        ids = new String[initial];
        points = new GeoPoint[initial];
    }

    void offer(double distance, String id, GeoPoint point) {
        if (size < limit) {
            if (size == meters.length) {
                int grown = Math.min(limit, size * 2);
                meters = Arrays.copyOf(meters, grown);
                ids = Arrays.copyOf(ids, grown);
                points = Arrays.copyOf(points, grown);
            }
            set(size, distance, id, point);
            siftUp(size++);
        } else if (farther(meters[0], ids[0], distance, id)) {
            set(0, distance, id, point);
            siftDown(0);
        }
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size == limit;
    }

    /** The farthest distance kept (meaningful once something was offered). */
    double worstMeters() {
        return meters[0];
    }

    /** Empties the heap into the sink, nearest first. */
    void drainAscending(Sink sink) {
        int n = size;
        // popping the farthest each time fills positions n-1 .. 0 in place, leaving the arrays sorted ascending
        while (size > 1) {
            swap(0, --size);
            siftDown(0);
        }
        size = 0;
        for (int i = 0; i < n; i++) {
            sink.accept(meters[i], ids[i], points[i]);
        }
    }

    interface Sink {
        void accept(double meters, String id, GeoPoint point);
    }

    /** Whether (d1, id1) orders after (d2, id2): the heap's "larger" relation. */
    private static boolean farther(double d1, String id1, double d2, String id2) {
        return d1 > d2 || (d1 == d2 && id1.compareTo(id2) > 0);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!farther(meters[i], ids[i], meters[parent], ids[parent])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int largest = left;
            int right = left + 1;
            if (right < size && farther(meters[right], ids[right], meters[left], ids[left])) {
                largest = right;
            }
            if (!farther(meters[largest], ids[largest], meters[i], ids[i])) {
                return;
            }
            swap(i, largest);
            i = largest;
        }
    }

    private void set(int i, double distance, String id, GeoPoint point) {
        meters[i] = distance;
        ids[i] = id;
        points[i] = point;
    }

    private void swap(int a, int b) {
        double m = meters[a];
        meters[a] = meters[b];
        meters[b] = m;
        String id = ids[a];
        ids[a] = ids[b];
        ids[b] = id;
        GeoPoint p = points[a];
        points[a] = points[b];
        points[b] = p;
    }
}
