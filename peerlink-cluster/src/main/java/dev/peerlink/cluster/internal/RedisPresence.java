package dev.peerlink.cluster.internal;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.server.cluster.Presence;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence in Redis: {@code pl:presence:<device>} → instance id, with a TTL of one heartbeat window (set on
 * registration, renewed on every ping, deleted on close only if it still names this instance). An instance that
 * dies stops renewing, so its entries expire within the window and connects to its devices get {@code offline}.
 * After the connection to Redis comes back (Redis may have restarted empty) every local device is published again.
 */
public final class RedisPresence implements Presence {
    private static final Logger LOG = LoggerFactory.getLogger(RedisPresence.class);
    private static final String PREFIX = "pl:presence:";
    /** Delete the key only if it still names this instance (another may have claimed the device since). */
    private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private final RedisAsyncCommands<String, String> redis;
    private final String instanceId;
    private final long ttlMs;
    private final AtomicBoolean republish = new AtomicBoolean();
    private volatile Supplier<Collection<DeviceId>> localDevices = List::of;

    /** {@code ttl}: the heartbeat window; {@code scheduler} retries a pending re-publication every third of it. */
    public RedisPresence(StatefulRedisConnection<String, String> connection, String instanceId, Duration ttl,
                         ScheduledExecutorService scheduler) {
        this.redis = connection.async();
        this.instanceId = instanceId;
        this.ttlMs = ttl.toMillis();
        long period = Math.max(100, ttlMs / 3);
        scheduler.scheduleWithFixedDelay(this::republishIfNeeded, period, period, TimeUnit.MILLISECONDS);
    }

    private static String key(DeviceId device) {
        return PREFIX + device.value();
    }

    @Override
    public CompletableFuture<String> claim(DeviceId device) {
        try {
            return redis.setGet(key(device), instanceId, SetArgs.Builder.px(ttlMs)).toCompletableFuture()
                    .whenComplete((previous, e) -> {
                        if (e != null) {
                            republish.set(true); // lost: the next successful re-publication covers it
                        }
                    });
        } catch (RuntimeException e) { // a closed connection throws instead of failing the future
            republish.set(true);
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void refresh(DeviceId device) {
        try {
            redis.set(key(device), instanceId, SetArgs.Builder.px(ttlMs)).exceptionally(e -> {
                republish.set(true);
                return null;
            });
        } catch (RuntimeException e) {
            republish.set(true);
        }
    }

    @Override
    public void release(DeviceId device) {
        try {
            redis.<Long>eval(RELEASE, ScriptOutputType.INTEGER, new String[] {key(device)}, instanceId)
                    .exceptionally(e -> {
                        LOG.debug("presence of {} not released ({}); it expires", device, e.toString());
                        return 0L;
                    });
        } catch (RuntimeException e) {
            LOG.debug("presence of {} not released ({}); it expires", device, e.toString());
        }
    }

    @Override
    public CompletableFuture<String> locate(DeviceId device) {
        try {
            return redis.get(key(device)).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void republishFrom(Supplier<Collection<DeviceId>> localDevices) {
        this.localDevices = localDevices;
    }

    /** Called when the connection to Redis (re)connects: its data may be gone. */
    public void connectionRestored() {
        republish.set(true);
    }

    private void republishIfNeeded() {
        if (!republish.getAndSet(false)) {
            return;
        }
        Collection<DeviceId> devices = localDevices.get();
        try {
            CompletableFuture<?>[] writes = devices.stream()
                    .map(d -> redis.set(key(d), instanceId, SetArgs.Builder.px(ttlMs)).toCompletableFuture())
                    .toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(writes).get(ttlMs, TimeUnit.MILLISECONDS);
            LOG.info("presence re-published for {} devices", devices.size());
        } catch (Exception e) {
            LOG.warn("presence re-publication failed, retrying: {}", e.toString());
            republish.set(true);
        }
    }
}
