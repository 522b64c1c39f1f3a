package dev.peerlink.server.monitor;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo.PortMapping;
import dev.peerlink.protocol.ProbePacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side health of devices' gateway port mappings (seed 002). Devices report mappings ({@code register} /
 * {@code update}); every {@link MonitorConfig#interval()} the monitor sends each mapped external endpoint a probe with a
 * fresh random nonce ({@link ProbePacket}); the device's probe unit answers {@code probe-ack} with the nonce over its
 * signalling connection ({@link #ack}). A round with no answer after {@code 1 + retries} probes fails: the device gets
 * {@code remap}; the new mapping it reports is verified the same way, and the time from the failed round to the first
 * answered probe is recorded as the time to repair.
 *
 * <p>Anti-abuse: only mappings of registered, online devices are monitored ({@link #deviceGone} drops them), and only
 * those whose external IP is the IP the device's signalling connection comes from (unless configured); at most
 * {@code maxMappings} in all and {@code maxMappingsPerIp} per IP; probes are paced by a server-wide budget; the monitor
 * never answers inbound traffic, so it cannot be used as a reflector.
 *
 * <p>Driven by {@link #tick()} (a scheduler calls it every {@link MonitorConfig#tick()}; tests call it with a fake
 * clock). Thread-safe; the prober and the remap sender are called outside the lock.
 */
public final class MappingMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MappingMonitor.class);

    /** Delivers a message to an online device; false when the device is not connected. */
    public interface Sender extends BiPredicate<DeviceId, Message> {}

    /** A monitored mapping: a device's internal endpoint of one protocol. */
    public record Key(DeviceId device, String protocol, InetSocketAddress internal) {}

    static final class Entry {
        final Key key;
        PortMapping mapping;
        InetAddress externalIp;
        Health health = Health.PENDING;
        String nonce;
        String previousNonce;
        int attempt;
        long deadline;
        long nextProbeAt;
        long lastProbeAt = -1;
        long lastOkAt = -1;
        long brokenSince = -1;
        long lastRemapAt = -1;
        int failures;
        int repairs;
        long lastTimeToRepair = -1;
        /** A remap was ordered and the device has not reported since: its next report is verified at once. */
        boolean remapOrdered;
        /** Reported with an external address the device is no longer seen from (its WAN address changed). */
        boolean stale;

        Entry(Key key, PortMapping mapping, long now) {
            this.key = key;
            this.mapping = mapping;
            this.externalIp = mapping.external().getAddress();
            this.nextProbeAt = now;
        }
    }

    /** One mapping's state, for operators and tests. Times are the monitor clock's milliseconds, -1 when never. */
    public record Status(DeviceId device, PortMapping mapping, Health health, long lastProbeAt, long lastOkAt,
                         int consecutiveFailures, int repairs, long lastTimeToRepairMs) {}

    /** A repaired mapping: when (monitor clock, epoch ms in a server), its protocol, and its time to repair. */
    public record Repair(long at, String protocol, long ttrMs) {}

    /** Repairs {@link #recentRepairs()} keeps. */
    public static final int RECENT_REPAIRS = 20;

    private final MonitorConfig config;
    private final Prober prober;
    private final java.util.ArrayDeque<Repair> recentRepairs = new java.util.ArrayDeque<>();
    private volatile java.util.function.Consumer<Repair> repairListener = r -> {};
    private final Sender sender;
    private final LongSupplier clock;
    private final Supplier<byte[]> nonces;
    private volatile MappingScope scope = MappingScope.SOLE;

    private final Map<Key, Entry> entries = new LinkedHashMap<>();
    private final Map<DeviceId, Set<Key>> byDevice = new HashMap<>();
    private final Map<InetAddress, Integer> perIp = new HashMap<>();
    private final Map<String, Entry> byNonce = new HashMap<>();
    /** The address each device's signalling connection last came from (LRU, bounded): notices WAN address changes. */
    private final Map<DeviceId, InetAddress> seenFrom = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<DeviceId, InetAddress> eldest) {
            return size() > Math.max(1024, config.maxMappings());
        }
    };
    /** Remap orders decided outside a tick (stale reports), sent by the next tick. */
    private final List<Remap> pendingRemaps = new ArrayList<>();
    private double budget;
    /** Probes one tick may send at most: two ticks' worth of the budget, so bursts stay small (socket buffers). */
    private final double burst;
    private long lastEventLogSecond;
    private int eventLogsThisSecond;
    private long lastRefill;
    private long probesSent, probesAnswered, roundsFailed, remapsSent, repaired, refused, deferred;
    private long ttrCount, ttrSum, ttrMax, ttrLast = -1;
    private ScheduledFuture<?> task;
    private long lastLog;

    public MappingMonitor(MonitorConfig config, Prober prober, Sender sender, LongSupplier clock) {
        this(config, prober, sender, clock, ProbePacket::newNonce);
    }

    MappingMonitor(MonitorConfig config, Prober prober, Sender sender, LongSupplier clock, Supplier<byte[]> nonces) {
        this.config = config;
        this.prober = prober;
        this.sender = sender;
        this.clock = clock;
        this.nonces = nonces;
        this.lastRefill = clock.getAsLong();
        this.burst = Math.max(1.0, 2.0 * config.maxProbesPerSecond() * config.tick().toMillis() / 1000.0);
        this.budget = burst;
    }

    public MonitorConfig config() {
        return config;
    }

    /** Which rounds this instance runs and where local reports and foreign acks go (cluster mode); SOLE by default. */
    public void scope(MappingScope s) {
        this.scope = java.util.Objects.requireNonNull(s);
    }

    /** Runs {@link #tick()} every {@code config.tick()} on {@code exec}, and logs the counts once per interval. */
    public synchronized void start(ScheduledExecutorService exec) {
        long t = config.tick().toMillis();
        task = exec.scheduleWithFixedDelay(() -> {
            try {
                tick();
                logSummary();
            } catch (RuntimeException e) {
                LOG.warn("mapping monitor tick failed", e);
            }
        }, t, t, TimeUnit.MILLISECONDS);
    }

    private void logSummary() {
        long now = clock.getAsLong();
        MonitorStats s;
        synchronized (this) {
            if (now - lastLog < Math.max(config.interval().toMillis(), 10_000) || entries.isEmpty() && probesSent == 0) {
                return;
            }
            lastLog = now;
            s = stats();
        }
        LOG.info("mapping monitor: {}", s.line());
    }

    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
        }
    }

    // ---- input from the broker ------------------------------------------------------------------------

    /**
     * The complete set of mappings {@code device} reports now ({@code register} or {@code update}); {@code observed}
     * is the IP its signalling connection comes from. Mappings it no longer reports are forgotten.
     */
    public void report(DeviceId device, InetAddress observed, List<PortMapping> mappings) {
        apply(device, observed, mappings, true);
        scope.reported(device, observed, mappings);
    }

    /**
     * A report {@code device} made at another instance (cluster mode): the same state changes as {@link #report}, but a
     * stale mapping's remap is left to the instance the device is connected to. An empty list: the device is gone.
     */
    public void applyRemote(DeviceId device, InetAddress observed, List<PortMapping> mappings) {
        if (mappings.isEmpty()) {
            synchronized (this) {
                forget(device);
            }
        } else {
            apply(device, observed, mappings, false);
        }
    }

    private void apply(DeviceId device, InetAddress observed, List<PortMapping> mappings, boolean local) {
        long now = clock.getAsLong();
        synchronized (this) {
            Set<Key> old = byDevice.getOrDefault(device, Set.of());
            Set<Key> now_ = new HashSet<>();
            InetAddress previouslySeen = observed == null ? null : seenFrom.put(device, observed);
            for (PortMapping m : mappings) {
                Key k = new Key(device, m.protocol(), m.internal());
                if (!now_.add(k)) {
                    continue; // the same internal endpoint twice: keep the first
                }
                Entry e = entries.get(k);
                if (staleAfterAddressChange(m, observed, previouslySeen, e)) {
                    // Fault (c): the gateway's WAN address changed. The device still reports the mapping under the
                    // address it used to be seen from; nothing can answer there any more. Treat it as broken now and
                    // order a remap (the device re-maps and reports the new address, which is then verified) instead
                    // of silently refusing it as a foreign address.
                    if (e == null) {
                        e = new Entry(k, m, now);
                        entries.put(k, e);
                        perIp.merge(e.externalIp, 1, Integer::sum);
                    } else {
                        endRound(e);
                        e.mapping = m;
                    }
                    if (!e.stale || e.lastRemapAt < 0 || now - e.lastRemapAt >= config.interval().toMillis()) {
                        e.stale = true;
                        if (e.brokenSince < 0) {
                            e.brokenSince = now;
                        }
                        e.health = Health.REPAIRING;
                        e.remapOrdered = true;
                        e.lastRemapAt = now;
                        e.nextProbeAt = now + config.interval().toMillis();
                        if (local) {
                            remapsSent++;
                            pendingRemaps.add(new Remap(device, new Message.Remap(null, m, "external-address-changed")));
                        }
                        if (eventLog(now)) LOG.info("mapping {} {} of {} stale: device now seen from {} (WAN address changed), ordering remap",
                                m.protocol(), m.external(), device, observed.getHostAddress());
                    }
                    continue;
                }
                if (!eligible(m, observed)) {
                    refused++;
                    LOG.debug("not monitoring {} of {}: external {} is not the device's address {}", m.protocol(), device,
                            m.external(), observed);
                    if (e != null) {
                        drop(e);
                    }
                    now_.remove(k);
                    continue;
                }
                if (e == null) {
                    InetAddress ip = m.external().getAddress();
                    if (entries.size() >= config.maxMappings() || perIp.getOrDefault(ip, 0) >= config.maxMappingsPerIp()) {
                        refused++;
                        LOG.debug("not monitoring {} of {}: monitor full", m.external(), device);
                        now_.remove(k);
                        continue;
                    }
                    e = new Entry(k, m, now);
                    entries.put(k, e);
                    perIp.merge(ip, 1, Integer::sum);
                    LOG.debug("monitoring {} {} -> {} of {}", m.protocol(), m.external(), m.internal(), device);
                } else if (!e.mapping.external().equals(m.external())) {
                    // a new external endpoint for the same internal one (typically after a remap): verify it now
                    LOG.info("{} reports {} mapping {} (was {}), verifying", device, m.protocol(), m.external(),
                            e.mapping.external());
                    InetAddress ip = m.external().getAddress();
                    if (!ip.equals(e.externalIp)) {
                        perIp.computeIfPresent(e.externalIp, (a, n) -> n <= 1 ? null : n - 1);
                        perIp.merge(ip, 1, Integer::sum);
                        e.externalIp = ip;
                    }
                    e.mapping = m;
                    e.remapOrdered = false;
                    e.stale = false;
                    endRound(e);
                    e.nextProbeAt = now;
                } else {
                    e.mapping = m; // lease may differ
                    if (e.remapOrdered && e.health == Health.REPAIRING) {
                        // re-made after a remap order on the same external endpoint (the gateway granted the same
                        // port): verify it now, as a new endpoint would be. Once per order, so reports cannot make
                        // the monitor probe more often than one extra round per failed round.
                        e.remapOrdered = false;
                        endRound(e);
                        e.nextProbeAt = now;
                    }
                }
            }
            for (Key k : old) {
                if (!now_.contains(k)) {
                    Entry e = entries.get(k);
                    if (e != null) {
                        drop(e);
                    }
                }
            }
            if (now_.isEmpty()) {
                byDevice.remove(device);
            } else {
                byDevice.put(device, now_);
            }
        }
    }

    /**
     * A mapping whose external address is the one the device used to be seen from, while it is now seen from another
     * (or one already found stale and still reported so): its gateway's WAN address changed under it.
     */
    private boolean staleAfterAddressChange(PortMapping m, InetAddress observed, InetAddress previouslySeen, Entry e) {
        InetAddress ip = m.external().getAddress();
        if (config.allowForeignExternal() || observed == null || ip == null || m.external().getPort() == 0
                || ip.equals(observed)) {
            return false;
        }
        return ip.equals(previouslySeen) || e != null && e.stale && ip.equals(e.externalIp);
    }

    private boolean eligible(PortMapping m, InetAddress observed) {
        InetAddress ip = m.external().getAddress();
        if (ip == null || ip.isAnyLocalAddress() || ip.isMulticastAddress() || m.external().getPort() == 0) {
            return false;
        }
        return config.allowForeignExternal() || ip.equals(observed);
    }

    /** The device went offline (or was replaced and its new connection reports afresh): stop probing its mappings. */
    public void deviceGone(DeviceId device) {
        synchronized (this) {
            forget(device);
        }
        scope.reported(device, null, List.of());
    }

    private void forget(DeviceId device) {
        Set<Key> keys = byDevice.remove(device);
        if (keys != null) {
            for (Key k : keys) {
                Entry e = entries.get(k);
                if (e != null) {
                    drop(e);
                }
            }
        }
    }

    private void drop(Entry e) {
        entries.remove(e.key);
        endRound(e);
        perIp.computeIfPresent(e.externalIp, (a, n) -> n <= 1 ? null : n - 1);
        Set<Key> keys = byDevice.get(e.key.device());
        if (keys != null) {
            keys.remove(e.key);
        }
    }

    private void endRound(Entry e) {
        if (e.nonce != null) {
            byNonce.remove(e.nonce);
        }
        if (e.previousNonce != null) {
            byNonce.remove(e.previousNonce);
        }
        e.nonce = null;
        e.previousNonce = null;
        e.attempt = 0;
    }

    /**
     * {@code device} says a probe with {@code nonce} reached it. Returns true when the nonce is one of the device's
     * outstanding probes; anything else (unknown, late, or another device's nonce) is ignored.
     */
    public boolean ack(DeviceId device, String nonce) {
        if (ackHere(device, nonce)) {
            return true;
        }
        scope.foreignAck(device, nonce); // another instance may have sent that probe
        return false;
    }

    /** An ack another instance received for a probe this one may have sent (cluster mode): never forwarded again. */
    public boolean ackRemote(DeviceId device, String nonce) {
        return ackHere(device, nonce);
    }

    private boolean ackHere(DeviceId device, String nonce) {
        long now = clock.getAsLong();
        synchronized (this) {
            Entry e = byNonce.get(nonce);
            if (e == null || !e.key.device().equals(device)) {
                return false;
            }
            endRound(e);
            probesAnswered++;
            e.lastOkAt = now;
            e.failures = 0;
            e.nextProbeAt = now + config.interval().toMillis();
            if (e.health == Health.BROKEN || e.health == Health.REPAIRING) {
                long ttr = now - e.brokenSince;
                e.repairs++;
                e.lastTimeToRepair = ttr;
                repaired++;
                ttrCount++;
                ttrSum += ttr;
                ttrMax = Math.max(ttrMax, ttr);
                ttrLast = ttr;
                Repair repair = new Repair(now, e.mapping.protocol(), ttr);
                if (recentRepairs.size() == RECENT_REPAIRS) {
                    recentRepairs.removeLast();
                }
                recentRepairs.addFirst(repair);
                repairListener.accept(repair); // a meter: cheap, never blocks
                e.brokenSince = -1;
                e.lastRemapAt = -1;
                if (eventLog(now)) LOG.info("mapping {} {} of {} healthy again: time to repair {} ms", e.mapping.protocol(),
                        e.mapping.external(), device, ttr);
            } else if (e.health == Health.PENDING) {
                if (eventLog(now)) LOG.info("mapping {} {} of {} verified", e.mapping.protocol(), e.mapping.external(), device);
            }
            e.health = Health.HEALTHY;
            return true;
        }
    }

    // ---- the clock ----------------------------------------------------------------------------------------

    private record Probe(boolean tcp, InetSocketAddress to, byte[] nonce) {}

    private record Remap(DeviceId device, Message.Remap message) {}

    /** Sends due probes, ends rounds past their deadline, orders remaps. */
    public void tick() {
        long now = clock.getAsLong();
        List<Probe> probes = new ArrayList<>();
        List<Remap> remaps = new ArrayList<>();
        MappingScope sc = scope;
        List<Entry> due = new ArrayList<>();
        synchronized (this) {
            remaps.addAll(pendingRemaps);
            pendingRemaps.clear();
            budget = Math.min(burst, budget + (now - lastRefill) * config.maxProbesPerSecond() / 1000.0);
            lastRefill = now;
            for (Entry e : entries.values()) {
                if (e.nonce != null) {
                    if (now < e.deadline) {
                        continue;
                    }
                    if (e.attempt < config.retries()) {
                        if (send(e, now, probes)) {
                            e.attempt++;
                        }
                        continue;
                    }
                    fail(e, now, remaps);
                } else if (now >= e.nextProbeAt) {
                    if (sc == MappingScope.SOLE) {
                        e.attempt = 0;
                        send(e, now, probes);
                    } else if (sc.owns(e.key.device())) {
                        if (due.size() < budget) {
                            due.add(e); // only what the budget can send: a lease taken and not used delays a round
                        } else {
                            deferred++;
                        }
                    } else {
                        e.nextProbeAt = now + config.interval().toMillis(); // another instance's round
                    }
                }
            }
        }
        if (!due.isEmpty()) {
            claimAndSend(sc, due, now, probes);
        }
        for (Probe p : probes) {
            try {
                prober.probe(p.tcp(), p.to(), p.nonce());
            } catch (RuntimeException ex) {
                LOG.debug("probe to {} failed to send: {}", p.to(), ex.toString());
            }
        }
        List<DeviceId> unreachable = new ArrayList<>();
        for (Remap r : remaps) {
            if (!sender.test(r.device(), r.message())) {
                unreachable.add(r.device());
            }
        }
        unreachable.forEach(this::deviceGone);
    }

    /** Starts the rounds the scope grants this instance (outside the lock: claiming may ask Redis). */
    private void claimAndSend(MappingScope sc, List<Entry> due, long now, List<Probe> probes) {
        List<MappingScope.Due> asked = new ArrayList<>(due.size());
        for (Entry e : due) {
            asked.add(new MappingScope.Due(e.key, e.mapping.external()));
        }
        Map<MappingScope.Due, Long> denied = sc.claim(asked);
        synchronized (this) {
            for (int i = 0; i < due.size(); i++) {
                Entry e = due.get(i);
                if (entries.get(e.key) != e || e.nonce != null || !e.mapping.external().equals(asked.get(i).external())) {
                    continue; // changed while claiming: the next tick decides again
                }
                Long waitMs = denied.get(asked.get(i));
                if (waitMs != null) {
                    e.nextProbeAt = now + Math.max(1, waitMs); // someone else ran this round; due when its lease ends
                } else {
                    e.attempt = 0;
                    send(e, now, probes);
                }
            }
        }
    }

    /**
     * Membership changed: every mapping not in a round is due at once, so new owners claim their share now (a lease
     * held elsewhere sends them back to waiting), except those this instance probed itself within the interval.
     */
    public synchronized void ownershipChanged() {
        long now = clock.getAsLong();
        long interval = config.interval().toMillis();
        for (Entry e : entries.values()) {
            if (e.nonce == null && e.nextProbeAt > now && (e.lastProbeAt < 0 || now - e.lastProbeAt >= interval)) {
                e.nextProbeAt = now;
            }
        }
    }

    private boolean send(Entry e, long now, List<Probe> probes) {
        if (budget < 1) {
            deferred++;
            return false;
        }
        budget--;
        byte[] n = nonces.get();
        String b64 = Ed25519.b64(n);
        if (e.nonce != null) {
            if (e.previousNonce != null) {
                byNonce.remove(e.previousNonce);
            }
            e.previousNonce = e.nonce; // a late answer to the first probe of the round still counts
        }
        e.nonce = b64;
        byNonce.put(b64, e);
        e.deadline = now + config.probeTimeout().toMillis();
        e.lastProbeAt = now;
        probesSent++;
        probes.add(new Probe("tcp".equals(e.mapping.protocol()), e.mapping.external(), n));
        return true;
    }

    private void fail(Entry e, long now, List<Remap> remaps) {
        endRound(e);
        roundsFailed++;
        e.failures++;
        e.nextProbeAt = now + config.interval().toMillis();
        if (e.brokenSince < 0) {
            e.brokenSince = now;
            if (eventLog(now)) LOG.info("mapping {} {} of {} broken: {} probes unanswered", e.mapping.protocol(), e.mapping.external(),
                    e.key.device(), config.retries() + 1);
        }
        // one remap per failed round: a device that could not fix it on the first order is asked again
        e.lastRemapAt = now;
        e.remapOrdered = true;
        e.health = Health.REPAIRING;
        remapsSent++;
        remaps.add(new Remap(e.key.device(), new Message.Remap(null, e.mapping, "probe-failed")));
    }

    /** Per-mapping state changes are logged at most 10 a second (the periodic summary has the counts). */
    private boolean eventLog(long now) {
        long second = now / 1000;
        if (second != lastEventLogSecond) {
            lastEventLogSecond = second;
            eventLogsThisSecond = 0;
        }
        return ++eventLogsThisSecond <= 10;
    }

    // ---- observation ------------------------------------------------------------------------------------

    public synchronized MonitorStats stats() {
        int pending = 0, healthy = 0, broken = 0;
        for (Entry e : entries.values()) {
            switch (e.health) {
                case PENDING -> pending++;
                case HEALTHY -> healthy++;
                case BROKEN, REPAIRING -> broken++;
            }
        }
        return new MonitorStats(entries.size(), pending, healthy, broken, probesSent, probesAnswered, roundsFailed,
                remapsSent, repaired, refused, deferred, ttrLast < 0 ? null : Duration.ofMillis(ttrLast),
                ttrCount == 0 ? null : Duration.ofMillis(ttrSum / ttrCount), ttrCount == 0 ? null : Duration.ofMillis(ttrMax));
    }

    /** The last {@value #RECENT_REPAIRS} repairs, newest first. */
    public synchronized List<Repair> recentRepairs() {
        return List.copyOf(recentRepairs);
    }

    /** Told of every repair, under the monitor's lock: must be quick and must not call back into the monitor. */
    public void onRepair(java.util.function.Consumer<Repair> listener) {
        this.repairListener = java.util.Objects.requireNonNull(listener);
    }

    public synchronized List<Status> mappings() {
        List<Status> out = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            out.add(new Status(e.key.device(), e.mapping, e.health, e.lastProbeAt, e.lastOkAt, e.failures, e.repairs,
                    e.lastTimeToRepair));
        }
        return out;
    }

    public synchronized List<Status> mappings(DeviceId device) {
        return mappings().stream().filter(s -> s.device().equals(device)).toList();
    }

    /** Outstanding nonces (for the memory-bound test). */
    synchronized int outstandingNonces() {
        return byNonce.size();
    }

}
