package dev.peerlink.cluster;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server instance's membership of the cluster, kept in Redis: every {@code heartbeat} it writes
 * {@code peerlink:instance:<id>} (its signalling URL) with a TTL of three heartbeats and re-reads the live instances
 * (members of {@code peerlink:instances} whose key has not expired). An instance that stops beating drops out of
 * every view within the TTL plus one heartbeat. Redis's own expiry decides liveness, so instances' clocks never meet.
 *
 * <p>When a beat finds its own key absent (Redis restarted or was flushed, or this instance was presumed dead after a
 * pause) the {@link #onRejoin} listeners run, so partitioned work can re-publish what Redis lost. While Redis is
 * unreachable the last view is kept.
 */
public final class InstanceMembership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceMembership.class);
    static final String SET = "peerlink:instances";
    static final String KEY = "peerlink:instance:";

    /** A live instance: its id and the URL its devices' signalling connections reach. */
    public record Instance(String id, String signallingUrl) {}

    private final RedisClient redis;
    private final String id;
    private final String url;
    private final Duration heartbeat;
    private final long ttlMs;
    private final List<Consumer<List<Instance>>> changeListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> rejoinListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> beatListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService beats;
    private StatefulRedisConnection<String, String> conn;
    private volatile List<Instance> live = List.of();
    private volatile boolean redisDown;
    private boolean firstBeat = true;
    private long graceUntil;

    /** {@code id} must be unique in the cluster (e.g. host:port); the key lives three heartbeats. */
    public InstanceMembership(RedisClient redis, String id, String signallingUrl, Duration heartbeat) {
        this.redis = Objects.requireNonNull(redis);
        this.id = Objects.requireNonNull(id);
        this.url = Objects.requireNonNull(signallingUrl);
        this.heartbeat = heartbeat;
        this.ttlMs = 3 * heartbeat.toMillis();
        this.beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-heartbeat-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    public String id() {
        return id;
    }

    /** The live instances at the last heartbeat, ordered by id. */
    public List<Instance> live() {
        return live;
    }

    /** Told of every change of the live set (on the heartbeat thread). */
    public void onChange(Consumer<List<Instance>> listener) {
        changeListeners.add(listener);
    }

    /** Told when a beat found this instance's key gone: what was kept in Redis may be lost (on the heartbeat thread). */
    public void onRejoin(Runnable listener) {
        rejoinListeners.add(listener);
    }

    /** Told after every heartbeat Redis answered (on the heartbeat thread). */
    public void onBeat(Runnable listener) {
        beatListeners.add(listener);
    }

    /** Beats once now (so {@link #live()} includes this instance on return when Redis answers), then periodically. */
    public void start() {
        conn = redis.connect();
        conn.setTimeout(Duration.ofMillis(ttlMs)); // a beat slower than the TTL means we look dead anyway
        try {
            beats.submit(this::beat).get();
        } catch (Exception e) {
            throw new IllegalStateException("first heartbeat failed", e);
        }
        long p = heartbeat.toMillis();
        beats.scheduleWithFixedDelay(this::beat, p, p, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        try {
            RedisCommands<String, String> r = conn.sync();
            String previous = r.setGet(KEY + id, url, SetArgs.Builder.px(ttlMs));
            r.sadd(SET, id);
            Set<String> members = r.smembers(SET);
            List<String> ids = new ArrayList<>(members);
            List<KeyValue<String, String>> values = r.mget(ids.stream().map(m -> KEY + m).toArray(String[]::new));
            List<Instance> now = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                KeyValue<String, String> kv = values.get(i);
                if (kv.hasValue()) {
                    now.add(new Instance(ids.get(i), kv.getValue()));
                } else {
                    r.srem(SET, ids.get(i)); // expired: gone until it beats again
                }
            }
            boolean rejoined = previous == null && !firstBeat;
            if (rejoined) {
                graceUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ttlMs);
            }
            if (System.nanoTime() < graceUntil) {
                // Redis lost every key at once (restart): the others put theirs back within a heartbeat, so for one
                // TTL nobody counts as gone (a flapping view would move work back and forth with no leases to guard it)
                for (Instance i : live) {
                    if (now.stream().noneMatch(n -> n.id().equals(i.id()))) {
                        now.add(i);
                    }
                }
            }
            now.sort(Comparator.comparing(Instance::id));
            if (now.stream().noneMatch(i -> i.id().equals(id))) {
                return; // Redis restarted between our SET and the reads: the next beat sees it right
            }
            if (redisDown) {
                LOG.info("cluster membership: Redis answers again");
                redisDown = false;
            }
            firstBeat = false;
            if (!now.equals(live)) {
                LOG.info("cluster membership: live instances {}", now.stream().map(Instance::id).toList());
                live = List.copyOf(now);
                changeListeners.forEach(l -> l.accept(live));
            }
            if (rejoined) {
                LOG.info("cluster membership: this instance's key was gone (Redis restarted?), re-publishing");
                rejoinListeners.forEach(Runnable::run);
            }
            beatListeners.forEach(Runnable::run);
        } catch (RuntimeException e) {
            if (!redisDown) {
                LOG.warn("cluster membership: heartbeat failed ({}), keeping the last view", e.toString());
                redisDown = true;
            }
        }
    }

    /** Stops beating without leaving: what a crash looks like to the others (tests; the key expires on its own). */
    public void stopBeating() {
        beats.shutdownNow();
        try {
            beats.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Leaves at once: deletes this instance's key, so the others take over its share at their next beat. */
    @Override
    public void close() {
        stopBeating();
        if (conn != null) {
            try {
                conn.sync().del(KEY + id);
                conn.sync().srem(SET, id);
            } catch (RuntimeException e) {
                LOG.debug("leaving the cluster: {}", e.toString());
            }
            conn.close();
        }
    }
}
