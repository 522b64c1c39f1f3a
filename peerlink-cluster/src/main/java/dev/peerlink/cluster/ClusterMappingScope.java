package dev.peerlink.cluster;

import dev.peerlink.cluster.internal.MappingRecord;
import dev.peerlink.cluster.internal.Rendezvous;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.NetworkInfo.PortMapping;
import dev.peerlink.server.monitor.MappingMonitor;
import dev.peerlink.server.monitor.MappingScope;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partitions a {@link MappingMonitor}'s probe rounds over the live instances ({@link InstanceMembership}), so each
 * mapping is probed by one instance per interval.
 *
 * <ul>
 *   <li>Every instance knows every device's reported mappings: a device's instance writes them to the Redis hash
 *       {@value #REPORTS} and announces them on {@value #EVENTS}; the others apply them ({@link
 *       MappingMonitor#applyRemote}). So whoever takes over a share already holds its mappings.</li>
 *   <li>A device's rounds belong to the rendezvous-hash owner of its id among the live instances; the others only
 *       keep its schedule.</li>
 *   <li>Before a round starts, its owner takes a lease ({@code SET NX PX}, nine tenths of the interval) on the mapping
 *       at its external endpoint. A lease already held (by anyone) means that round ran this interval: the owner
 *       waits for the lease to end. So a takeover (an instance died, or views briefly disagree) never probes a mapping twice in an
 *       interval, and a dead owner's share is probed within one interval of its last round.</li>
 *   <li>A {@code probe-ack} reaches the device's instance, which may not have sent the probe: it is forwarded on
 *       {@value #EVENTS} and the sender accepts it.</li>
 * </ul>
 * When Redis cannot be reached, each instance runs the rounds its last view gives it (no leases); when Redis comes
 * back empty, instances re-publish their devices' mappings.
 */
public final class ClusterMappingScope implements MappingScope, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMappingScope.class);
    static final String REPORTS = "peerlink:mon:reports";
    static final String EVENTS = "peerlink:mon:events";
    static final String LEASE = "peerlink:mon:lease:";
    /** Bumped when an instance re-published its devices' reports after Redis lost them: everyone reloads. */
    static final String GENERATION = "peerlink:mon:generation";
    private static final String CLAIM = """
            local out = {}
            for i, k in ipairs(KEYS) do
              if redis.call('set', k, ARGV[1], 'NX', 'PX', ARGV[2]) then out[i] = -1
              else out[i] = redis.call('pttl', k) end
            end
            return out""";
    /** Deletes a device's record only while it is still the one {@code ARGV[2]} wrote (the device may have moved). */
    private static final String DELETE_OWN = """
            local v = redis.call('hget', KEYS[1], ARGV[1])
            if v and string.sub(v, 1, string.len(ARGV[2]) + 1) == ARGV[2] .. '|' then return redis.call('hdel', KEYS[1], ARGV[1]) end
            return 0""";
    private static final int CLAIM_BATCH = 1000;

    private final RedisClient redis;
    private final InstanceMembership membership;
    private final MappingMonitor monitor;
    private final String self;
    private final long leaseMs;
    /** Every device's latest record, from whichever instance it is on. */
    private final Map<DeviceId, MappingRecord> records = new ConcurrentHashMap<>();
    /** Records of devices connected here: re-published when Redis lost them. */
    private final Map<DeviceId, String> local = new ConcurrentHashMap<>();
    private volatile List<String> liveIds = List.of();
    private StatefulRedisConnection<String, String> conn;
    private StatefulRedisPubSubConnection<String, String> sub;
    private volatile boolean claimsFailing;
    private String generation;

    public ClusterMappingScope(RedisClient redis, InstanceMembership membership, MappingMonitor monitor) {
        this.redis = redis;
        this.membership = membership;
        this.monitor = monitor;
        this.self = membership.id();
        this.leaseMs = monitor.config().interval().toMillis() * 9 / 10;
    }

    /** Subscribes, loads every device's mappings, and takes over the monitor's scope; membership must be started. */
    public void start() {
        conn = redis.connect();
        conn.setTimeout(Duration.ofMillis(Math.max(200, Math.min(2000, leaseMs / 4))));
        sub = redis.connectPubSub();
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                onEvent(message);
            }
        });
        sub.sync().subscribe(EVENTS);
        liveIds = ids(membership.live());
        membership.onChange(this::viewChanged);
        membership.onRejoin(this::rejoin);
        membership.onBeat(this::checkGeneration);
        monitor.scope(this);
        resync();
    }

    // ---- MappingScope ---------------------------------------------------------------------------------------

    @Override
    public boolean owns(DeviceId device) {
        List<String> ids = liveIds;
        return ids.isEmpty() || self.equals(Rendezvous.owner(device.value(), ids));
    }

    @Override
    public Map<Due, Long> claim(List<Due> due) {
        Map<Due, Long> denied = new HashMap<>();
        try {
            for (int from = 0; from < due.size(); from += CLAIM_BATCH) {
                List<Due> batch = due.subList(from, Math.min(due.size(), from + CLAIM_BATCH));
                String[] keys = batch.stream().map(ClusterMappingScope::leaseKey).toArray(String[]::new);
                List<Long> out = conn.sync().eval(CLAIM, ScriptOutputType.MULTI, keys, self, Long.toString(leaseMs));
                for (int i = 0; i < batch.size(); i++) {
                    long v = out.get(i);
                    if (v != -1) {
                        denied.put(batch.get(i), Math.max(1, v));
                    }
                }
            }
            claimsFailing = false;
        } catch (RuntimeException e) {
            if (!claimsFailing) {
                LOG.warn("probe leases unavailable ({}): probing this instance's hash share without leases", e.toString());
                claimsFailing = true;
            }
            return Map.of();
        }
        return denied;
    }

    static String leaseKey(Due d) {
        MappingMonitor.Key k = d.key();
        return LEASE + k.device().value() + '|' + k.protocol() + '|' + k.internal().getAddress().getHostAddress() + ':'
                + k.internal().getPort() + '|' + d.external().getAddress().getHostAddress() + ':' + d.external().getPort();
    }

    @Override
    public void reported(DeviceId device, InetAddress observed, List<PortMapping> mappings) {
        if (!mappings.isEmpty()) {
            MappingRecord r = new MappingRecord(self, observed, List.copyOf(mappings));
            String enc = r.encode();
            records.put(device, r);
            local.put(device, enc);
            async("publish a report", () -> {
                conn.async().hset(REPORTS, device.value(), enc);
                return conn.async().publish(EVENTS, "R\n" + device.value() + "\n" + enc);
            });
            return;
        }
        local.remove(device);
        MappingRecord known = records.get(device);
        if (known != null && !known.instance().equals(self)) {
            // the device is connected elsewhere now (its old connection here just closed), or was and left while an
            // event was lost: Redis holds the truth
            async("re-read a report", () -> conn.async().hget(REPORTS, device.value()), enc -> {
                MappingRecord now = enc == null ? null : MappingRecord.decode(enc);
                if (now != null && !now.instance().equals(self)) {
                    records.put(device, now);
                    monitor.applyRemote(device, now.observed(), now.mappings());
                } else if (records.remove(device, known)) {
                    monitor.applyRemote(device, null, List.of());
                }
            });
            return;
        }
        records.remove(device);
        async("withdraw a report", () -> {
            conn.async().eval(DELETE_OWN, ScriptOutputType.INTEGER, new String[] {REPORTS}, device.value(), self);
            return conn.async().publish(EVENTS, "G\n" + device.value() + "\n" + self);
        });
    }

    @Override
    public void foreignAck(DeviceId device, String nonce) {
        async("forward an ack", () -> conn.async().publish(EVENTS, "A\n" + device.value() + "\n" + nonce + "\n" + self));
    }

    // ---- from the other instances ---------------------------------------------------------------------------

    private void onEvent(String message) {
        try {
            String[] f = message.split("\n", 3);
            DeviceId device = DeviceId.of(f[1]);
            switch (f[0]) {
                case "R" -> {
                    MappingRecord r = MappingRecord.decode(f[2]);
                    if (!r.instance().equals(self)) {
                        local.remove(device); // moved away from here
                        records.put(device, r);
                        monitor.applyRemote(device, r.observed(), r.mappings());
                    }
                }
                case "G" -> {
                    MappingRecord known = records.get(device);
                    if (!f[2].equals(self) && known != null && known.instance().equals(f[2]) && records.remove(device, known)) {
                        monitor.applyRemote(device, null, List.of());
                    }
                }
                case "A" -> {
                    String[] a = f[2].split("\n");
                    if (!a[1].equals(self)) {
                        monitor.ackRemote(device, a[0]);
                    }
                }
                default -> LOG.debug("unknown monitor event {}", f[0]);
            }
        } catch (RuntimeException e) {
            LOG.warn("bad monitor event: {}", e.toString());
        }
    }

    private void viewChanged(List<InstanceMembership.Instance> live) {
        List<String> ids = ids(live);
        Set<String> before = new HashSet<>(liveIds);
        boolean joined = !before.containsAll(ids);
        liveIds = ids;
        Set<String> alive = new HashSet<>(ids);
        for (Map.Entry<DeviceId, MappingRecord> e : records.entrySet()) {
            String owner = e.getValue().instance();
            // only instances seen alive and now gone: one that just started may report before this view shows it
            if (!owner.equals(self) && before.contains(owner) && !alive.contains(owner) && records.remove(e.getKey(), e.getValue())) {
                // its instance died: the device is not connected anywhere until it re-registers (and reports again)
                monitor.applyRemote(e.getKey(), null, List.of());
                async("drop a dead instance's report", () -> conn.async().eval(DELETE_OWN, ScriptOutputType.INTEGER,
                        new String[] {REPORTS}, e.getKey().value(), owner));
            }
        }
        if (joined) {
            resync(); // a member (re)appeared: it may have re-published what Redis lost
        }
        monitor.ownershipChanged();
    }

    /** On each heartbeat: one GET tells whether another instance re-published (pub/sub loses what a restart cuts). */
    private void checkGeneration() {
        try {
            String g = conn.sync().get(GENERATION);
            if (!java.util.Objects.equals(g, generation)) {
                boolean first = generation == null && g == null;
                generation = g;
                if (!first) {
                    resync();
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("generation check failed: {}", e.toString());
        }
    }

    /** Redis lost our key (restart or flush): put back what our devices reported, then reload everyone's. */
    private void rejoin() {
        try {
            if (!local.isEmpty()) {
                Map<String, String> all = new HashMap<>();
                local.forEach((d, enc) -> all.put(d.value(), enc));
                conn.sync().hset(REPORTS, all);
            }
            conn.sync().incr(GENERATION); // tells the others to reload
            resync();
        } catch (RuntimeException e) {
            LOG.warn("re-publishing mapping reports failed: {}", e.toString());
        }
    }

    /**
     * Loads every record in Redis. Records missing there are kept: after a Redis restart their instances put them back
     * (a device that left meanwhile is forgotten when a remap to it finds it offline, see {@link #reported}).
     */
    private void resync() {
        Map<String, String> all;
        try {
            all = conn.sync().hgetall(REPORTS);
        } catch (RuntimeException e) {
            LOG.warn("loading mapping reports failed: {}", e.toString());
            return;
        }
        Set<String> alive = new HashSet<>(liveIds);
        all.forEach((dev, enc) -> {
            try {
                DeviceId d = DeviceId.of(dev);
                MappingRecord r = MappingRecord.decode(enc);
                if (r.instance().equals(self) || !alive.isEmpty() && !alive.contains(r.instance())) {
                    return; // ours (the monitor has them) or a dead instance's (dropped at the view change)
                }
                if (!r.equals(records.put(d, r))) {
                    monitor.applyRemote(d, r.observed(), r.mappings());
                }
            } catch (RuntimeException e) {
                LOG.warn("bad mapping record for {}: {}", dev, e.toString());
            }
        });
    }

    private static List<String> ids(List<InstanceMembership.Instance> live) {
        return live.stream().map(InstanceMembership.Instance::id).toList();
    }

    private <T> void async(String what, Supplier<RedisFuture<T>> op) {
        async(what, op, v -> {});
    }

    /** Runs {@code op} without waiting; {@code then} gets its result on the Redis client's thread (must not block). */
    private <T> void async(String what, Supplier<RedisFuture<T>> op, Consumer<T> then) {
        try {
            op.get().whenComplete((v, t) -> {
                if (t != null) {
                    LOG.debug("cannot {}: {}", what, t.toString());
                } else {
                    then.accept(v);
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("cannot {}: {}", what, e.toString());
        }
    }

    /** Stops taking part: the monitor goes back to owning everything it holds. */
    @Override
    public void close() {
        monitor.scope(MappingScope.SOLE);
        if (sub != null) {
            sub.close();
        }
        if (conn != null) {
            conn.close();
        }
    }
}
