package dev.peerlink.share.qos;

import com.uber.h3core.H3Core;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.qos.internal.BucketAccumulator;
import dev.peerlink.share.qos.internal.BucketCache;
import dev.peerlink.share.qos.internal.Buckets;
import dev.peerlink.share.qos.internal.DeviceHasher;
import dev.peerlink.share.qos.internal.H3Cells;
import dev.peerlink.share.qos.internal.HourOfWeek;
import dev.peerlink.share.qos.internal.RateLimiter;
import dev.peerlink.share.qos.internal.RouteWalker;
import dev.peerlink.share.qos.internal.SharedBuckets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QoS map: connection-state samples from opted-in devices aggregated per H3 cell and hour of week (UTC),
 * with exponential decay, answering the predicted quality at a place and time and the weak spots on a route.
 *
 * <p>Each sample updates two buckets: (cell, hour of week) and (cell, all hours), the latter being the fallback
 * when an hour alone has fewer than k distinct recent devices. Nothing is disclosed below k devices. Devices
 * are remembered only as salted 8-byte SHA-256 hashes (the salt never reaches a single-process store;
 * a shared one keeps it, see {@link QosStore#sharedSalt}).
 *
 * <p>Hot buckets stay in a bounded LRU; changes are written behind to the {@link QosStore} in batches (every
 * {@code flushEveryBuckets} changed buckets and every {@code flushInterval} on a daemon thread — by the
 * ingesting thread itself when that thread falls behind or there is none — and on {@link #flush()}/{@link #close()}).
 * The store write runs outside the map's lock.
 *
 * <p><b>Shared mode</b> ({@link #shared}): several processes (server instances) each run a map over one store. Each
 * flushes only the samples it took since its last flush, which the store adds to what is stored
 * ({@link QosStore#merge}, {@link QosBuckets#merge}); predictions are read from the store, each bucket cached for a
 * short TTL. So after a flush every instance answers the same (once its cached copy has expired), and the answer
 * equals that of one map fed every instance's samples. The rate limit stays per process.
 * Thread-safe. {@link #close()} flushes but does not close the store: its owner does.
 */
public final class QosMap implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QosMap.class);
    /** Samples dated further ahead of the clock than this are dropped (a wrong device clock). */
    public static final long MAX_FUTURE_SKEW_MS = 3_600_000L;
    private static final int BACKPRESSURE_BATCHES = 4;

    private final QosConfig config;
    private final InstantSource clock;
    private final DeviceHasher hasher;
    private final H3Core h3 = H3Cells.h3();
    private final double halfLifeMs;
    private final long deviceWindowMs;
    private final Object lock = new Object();
    private final ReentrantLock flushLock = new ReentrantLock();
    private final ScheduledExecutorService flusher;
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    // guarded by lock
    private final Buckets cache;
    private final RateLimiter limiter;
    private long ingested, dropped, rateLimited;
    private boolean closed;

    /** A map on the system clock. {@code salt}: at least 16 secret bytes, the same across restarts. */
    public QosMap(QosConfig config, QosStore store, byte[] salt) {
        this(config, store, salt, InstantSource.system());
    }

    public QosMap(QosConfig config, QosStore store, byte[] salt, InstantSource clock) {
        this(config, store, salt, clock, null);
    }

    /** The default read TTL of a shared map: how stale another instance's flushed samples may be seen. */
    public static final Duration DEFAULT_SHARED_READ_TTL = Duration.ofSeconds(5);

    /**
     * A map over a store shared with other processes (see the class comment): its writes are merged into the store,
     * its reads come from the store, each bucket cached for {@code readTtl} ({@link Duration#ZERO}: read every time).
     * Devices are hashed with {@link QosStore#sharedSalt the store's salt} ({@code salt} is proposed for it).
     *
     * @throws UnsupportedOperationException when the store cannot {@linkplain QosStore#merge merge}
     */
    public static QosMap shared(QosConfig config, QosStore store, byte[] salt, InstantSource clock, Duration readTtl) {
        if (readTtl == null || readTtl.isNegative()) {
            throw new IllegalArgumentException("readTtl must be zero or positive, got " + readTtl);
        }
        if (store == null || salt == null) {
            throw new IllegalArgumentException("QoS map needs a store and a salt");
        }
        return new QosMap(config, store, store.sharedSalt(salt), clock, readTtl);
    }

    private QosMap(QosConfig config, QosStore store, byte[] salt, InstantSource clock, Duration sharedReadTtl) {
        if (config == null || store == null || clock == null) {
            throw new IllegalArgumentException("QoS map needs a config, a store and a clock");
        }
        this.config = config;
        this.clock = clock;
        this.hasher = new DeviceHasher(salt);
        this.halfLifeMs = config.halfLife().toMillis();
        this.deviceWindowMs = config.deviceWindow().toMillis();
        this.cache = sharedReadTtl == null ? new BucketCache(store, config.maxHotBuckets())
                : new SharedBuckets(store, halfLifeMs, sharedReadTtl.toMillis(), config.maxHotBuckets());
        this.limiter = new RateLimiter(config.maxSamplesPerDeviceHour());
        if (config.flushInterval().isZero()) {
            flusher = null;
        } else {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "qos-flush");
                t.setDaemon(true);
                return t;
            });
            long ms = Math.max(1, config.flushInterval().toMillis());
            flusher.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    public QosConfig config() {
        return config;
    }

    /** Adds one sample; false when it was dropped (rate limit, or dated more than an hour ahead). */
    public boolean ingest(QosSample sample) {
        return ingestAll(List.of(sample)) == 1;
    }

    /**
     * Adds samples under one lock acquisition; returns how many were accepted.
     *
     * @throws QosStoreException when this thread had to write behind and the store failed (the samples are kept;
     *         the write is retried on the next flush)
     */
    public int ingestAll(Collection<QosSample> samples) {
        if (samples == null || samples.stream().anyMatch(Objects::isNull)) { // List.of rejects contains(null)
            throw new IllegalArgumentException("samples must not be null");
        }
        int accepted = 0;
        int unwritten;
        synchronized (lock) {
            ensureOpen();
            long now = clock.millis();
            for (QosSample s : samples) {
                if (add(s, now)) {
                    accepted++;
                }
            }
            unwritten = cache.unwritten();
        }
        if (unwritten >= config.flushEveryBuckets()) {
            writeBehind(unwritten);
        }
        return accepted;
    }

    /**
     * Enough buckets changed: let the flusher thread write them while ingestion goes on, unless it has fallen
     * {@value #BACKPRESSURE_BATCHES} batches behind (or there is no flusher); then this thread writes, which
     * slows the producers down to the store's pace.
     */
    private void writeBehind(int unwritten) {
        if (flusher == null || unwritten >= BACKPRESSURE_BATCHES * config.flushEveryBuckets()) {
            flush();
        } else if (flushQueued.compareAndSet(false, true)) {
            try {
                flusher.execute(() -> {
                    flushQueued.set(false);
                    flushQuietly();
                });
            } catch (RejectedExecutionException closing) {
                flushQueued.set(false); // close() is flushing everything
            }
        }
    }

    private boolean add(QosSample s, long now) {
        long device = hasher.hash(s.device());
        if (s.timeMillis() > now + MAX_FUTURE_SKEW_MS) {
            dropped++;
            return false;
        }
        if (!limiter.tryAcquire(device, now)) {
            dropped++;
            rateLimited++;
            return false;
        }
        long cell = h3.latLngToCell(s.point().lat(), s.point().lon(), config.h3Resolution());
        cache.edit(cell, HourOfWeek.of(s.timeMillis())).add(s, device, halfLifeMs);
        cache.edit(cell, QosPrediction.ALL_HOURS).add(s, device, halfLifeMs);
        ingested++;
        return true;
    }

    /**
     * The predicted quality at this place at this time's hour of week; the cell's all-hours figure when that
     * hour has fewer than k distinct recent devices; empty when neither may be disclosed (or there is no data).
     */
    public Optional<QosPrediction> predict(GeoPoint point, Instant when) {
        if (point == null || when == null) {
            throw new IllegalArgumentException("predict needs a point and a time");
        }
        return predictCell(h3.latLngToCell(point.lat(), point.lon(), config.h3Resolution()), when.toEpochMilli());
    }

    private Optional<QosPrediction> predictCell(long cell, long whenMillis) {
        int hour = HourOfWeek.of(whenMillis);
        synchronized (lock) {
            ensureOpen();
            long now = clock.millis();
            for (int h : new int[] {hour, QosPrediction.ALL_HOURS}) {
                BucketAccumulator a = cache.read(cell, h, now);
                int devices = a == null ? 0 : a.activeDevices(deviceWindowMs);
                if (devices >= config.kAnonymity()) {
                    return Optional.of(a.predict(h3.h3ToString(cell), h, devices, now, halfLifeMs));
                }
            }
            return Optional.empty();
        }
    }

    /** Predictions for every cell the route passes, each at the time the route enters it, and its weak spots. */
    public RouteReport route(Route route) {
        if (route == null) {
            throw new IllegalArgumentException("route is required");
        }
        List<RouteWalker.Entry> entries = RouteWalker.walk(route, config.h3Resolution());
        long end = route.end().toEpochMilli();
        record CellHour(long cell, int hourOfWeek) {}
        Map<CellHour, Optional<QosPrediction>> memo = new HashMap<>(); // same cell and hour → same answer
        List<RouteReport.CellVisit> visits = new ArrayList<>(entries.size());
        List<RouteReport.WeakSpot> weak = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            RouteWalker.Entry e = entries.get(i);
            Instant enter = Instant.ofEpochMilli(e.enterMillis());
            Instant leave = Instant.ofEpochMilli(i + 1 < entries.size() ? entries.get(i + 1).enterMillis() : end);
            CellHour key = new CellHour(e.cell(), HourOfWeek.of(e.enterMillis()));
            QosPrediction p = memo.computeIfAbsent(key, k -> predictCell(e.cell(), e.enterMillis())).orElse(null);
            String reason = p == null ? null : config.weak().reason(p).orElse(null);
            String address = h3.h3ToString(e.cell());
            visits.add(new RouteReport.CellVisit(address, enter, leave, p, reason != null, reason));
            if (reason != null) {
                weak.add(new RouteReport.WeakSpot(address, enter, leave, reason));
            }
        }
        return new RouteReport(visits, weak);
    }

    /** The H3 cell (address) this map files {@code point} under. */
    public String cellOf(GeoPoint point) {
        return h3.latLngToCellAddress(point.lat(), point.lon(), config.h3Resolution());
    }

    public QosStats stats() {
        synchronized (lock) {
            return new QosStats(ingested, dropped, rateLimited, cache.hotSize(), cache.unwritten());
        }
    }

    /**
     * Writes every changed bucket to the store now (one batch).
     *
     * @throws QosStoreException when the store fails; the batch stays pending and is retried on the next flush
     */
    public void flush() {
        flushLock.lock();
        try {
            List<QosBucket> batch;
            synchronized (lock) {
                batch = cache.takeForFlush();
            }
            if (batch.isEmpty()) {
                return;
            }
            cache.writeOut(batch);
            synchronized (lock) {
                cache.written(batch);
            }
        } finally {
            flushLock.unlock();
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("QoS map write-behind failed, will retry: {}", e.toString());
        }
    }

    /** Stops the background flusher and writes what is left. The store stays open. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (flusher != null) {
            flusher.shutdown(); // cancels the periodic flush; let one in progress finish
            try {
                flusher.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("QoS map is closed");
        }
    }
}
