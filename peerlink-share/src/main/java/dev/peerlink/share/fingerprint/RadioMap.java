package dev.peerlink.share.fingerprint;

import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.fingerprint.internal.GroundDistance;
import dev.peerlink.share.fingerprint.internal.IntList;
import dev.peerlink.share.geo.GeoPoint;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Indoor positioning by Wi-Fi fingerprints: the reference points of a survey and a weighted
 * k-nearest-neighbours search over them in signal space. Distance is Euclidean over the union of the
 * access points of query and reference, an access point one side did not hear counting as
 * {@value #MISSING_DBM} dBm. Only reference points sharing an access point with the query are compared
 * (an inverted index finds them), and a query sharing fewer than two access points with the whole map
 * locates nothing: one access point says "near it", not where.
 *
 * <p>Thread-safe: locates run concurrently with each other and with adds.
 */
public final class RadioMap {
    public static final int DEFAULT_MAX_POINTS = 1_000_000;
    /** The reading assumed for an access point a scan did not hear: about where receivers stop hearing. */
    public static final int MISSING_DBM = -100;
    /** The smallest accuracy claimed: survey points are metres apart, and so is their error. */
    public static final double MIN_ACCURACY_METERS = 3;
    /** Keeps an exact signal match from dividing by zero while still dominating the weights. */
    private static final double EPSILON_DB = 1e-3;

    private final int maxPoints;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<ReferencePoint> points = new ArrayList<>(); // guarded by lock
    private final Map<String, IntList> byAccessPoint = new HashMap<>(); // guarded by lock

    public RadioMap() {
        this(DEFAULT_MAX_POINTS);
    }

    /** @param maxPoints the most reference points this map takes (memory bound) */
    public RadioMap(int maxPoints) {
        if (maxPoints < 1) {
            throw new IllegalArgumentException("a radio map must hold at least one reference point");
        }
        this.maxPoints = maxPoints;
    }

    /** @throws IllegalStateException when the map already holds its maximum */
    public void add(ReferencePoint point) {
        addAll(List.of(point));
    }

    /** Adds all or, when they would not fit, none. @throws IllegalStateException when full */
    public void addAll(Collection<ReferencePoint> more) {
        List<ReferencePoint> batch = List.copyOf(more); // also refuses nulls
        lock.writeLock().lock();
        try {
            if (points.size() + batch.size() > maxPoints) {
                throw new IllegalStateException("radio map is full: " + points.size() + " reference points, at most " + maxPoints);
            }
            for (ReferencePoint p : batch) {
                int index = points.size();
                points.add(p);
                for (String ap : p.fingerprint().rssi().keySet()) {
                    byAccessPoint.computeIfAbsent(ap, key -> new IntList()).add(index);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return points.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Estimates where {@code query} was heard: the mean of its {@code k} nearest reference points in
     * signal space, each weighted by 1 / (distance + ε). The altitude is averaged only when all of them
     * have one. The accuracy is the weighted RMS ground distance of the neighbours from the estimate,
     * at least {@value #MIN_ACCURACY_METERS} m.
     *
     * @return empty when the query shares fewer than two access points with the map
     * @throws IllegalArgumentException for k < 1 or a non-positive time
     */
    public Optional<Location> locate(WifiFingerprint query, int k, long nowMillis) {
        if (query == null || k < 1 || nowMillis <= 0) {
            throw new IllegalArgumentException("locate needs a fingerprint, k >= 1 and a positive time");
        }
        List<Neighbour> nearest;
        lock.readLock().lock();
        try {
            nearest = nearest(query, k);
        } finally {
            lock.readLock().unlock();
        }
        return nearest.isEmpty() ? Optional.empty() : Optional.of(estimate(nearest, nowMillis));
    }

    private record Neighbour(ReferencePoint point, double distance, double weight) {}

    /** Under the read lock. */
    private List<Neighbour> nearest(WifiFingerprint query, int k) {
        BitSet candidates = new BitSet(points.size());
        int shared = 0;
        for (String ap : query.rssi().keySet()) {
            IntList heardAt = byAccessPoint.get(ap);
            if (heardAt != null) {
                shared++;
                for (int i = 0; i < heardAt.size(); i++) {
                    candidates.set(heardAt.get(i));
                }
            }
        }
        if (shared < 2) {
            return List.of();
        }
        // the k best so far, worst on top; ties go to the earlier survey point so results are repeatable
        record Scored(int index, double distance) {}
        Comparator<Scored> better = Comparator.comparingDouble(Scored::distance).thenComparingInt(Scored::index);
        PriorityQueue<Scored> best = new PriorityQueue<>(k + 1, better.reversed());
        for (int i = candidates.nextSetBit(0); i >= 0; i = candidates.nextSetBit(i + 1)) {
            best.add(new Scored(i, signalDistance(query, points.get(i).fingerprint())));
            if (best.size() > k) {
                best.poll();
            }
        }
        List<Neighbour> out = new ArrayList<>(best.size());
        for (Scored s : best) {
            out.add(new Neighbour(points.get(s.index()), s.distance(), 1 / (s.distance() + EPSILON_DB)));
        }
        return out;
    }

    /** Euclidean distance in dB over the union of both scans' access points. */
    static double signalDistance(WifiFingerprint a, WifiFingerprint b) {
        double sum = 0;
        for (Map.Entry<String, Integer> e : a.rssi().entrySet()) {
            double diff = e.getValue() - b.rssi().getOrDefault(e.getKey(), MISSING_DBM);
            sum += diff * diff;
        }
        for (Map.Entry<String, Integer> e : b.rssi().entrySet()) {
            if (!a.rssi().containsKey(e.getKey())) {
                double diff = e.getValue() - MISSING_DBM;
                sum += diff * diff;
            }
        }
        return Math.sqrt(sum);
    }

    private static Location estimate(List<Neighbour> nearest, long nowMillis) {
        double total = 0, lat = 0, lonOffset = 0, alt = 0;
        boolean allHaveAltitude = true;
        double lonOrigin = nearest.getFirst().point().point().lon();
        for (Neighbour n : nearest) {
            GeoPoint p = n.point().point();
            total += n.weight();
            lat += n.weight() * p.lat();
            lonOffset += n.weight() * wrap(p.lon() - lonOrigin); // a site across the antimeridian averages correctly
            allHaveAltitude &= p.hasAltitude();
            alt += n.weight() * p.altOr(0);
        }
        GeoPoint at = GeoPoint.of(lat / total, wrap(lonOrigin + lonOffset / total), allHaveAltitude ? alt / total : Double.NaN);
        double squares = 0;
        for (Neighbour n : nearest) {
            double d = GroundDistance.meters(at, n.point().point());
            squares += n.weight() * d * d;
        }
        double accuracy = Math.min(Math.max(MIN_ACCURACY_METERS, Math.sqrt(squares / total)), Location.MAX_ACCURACY_METERS);
        return new Location(at, accuracy, LocationSource.WIFI_FINGERPRINT, nowMillis);
    }

    /** Longitude difference or value into [-180, 180). */
    private static double wrap(double lon) {
        return ((lon + 180) % 360 + 360) % 360 - 180;
    }
}
