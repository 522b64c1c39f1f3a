package dev.peerlink.server.signal.internal;

import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.RelayGrant;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.server.cluster.ClusterMessage;
import dev.peerlink.server.cluster.DeviceRegistry;
import dev.peerlink.server.monitor.MappingMonitor;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.server.signal.SignalStats;
import dev.peerlink.server.signal.internal.DeviceCache.Device;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration: signature, trust on first use, enrolment, aliases, the per-address rate limit, and network updates.
 * Checks and binding happen under this object's lock so two connections cannot bind one device or alias at once;
 * lookups in a shared registry happen before it.
 */
final class Registrar {
    private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);

    private final SignalServerConfig config;
    private final DeviceCache cache;
    private final Routes routes;
    private final SignallingCodec codec;
    private final LongSupplier clock;
    private final SignalStats stats;
    private final List<String> stun;
    private final Function<DeviceId, Optional<RelayGrant>> relayGrants;
    private final Map<InetAddress, int[]> registrations = new HashMap<>();
    private long registrationWindow;
    volatile MappingMonitor monitor;
    volatile Consumer<DeviceId> registeredListener = id -> {};

    Registrar(SignalServerConfig config, DeviceCache cache, Routes routes, SignallingCodec codec, LongSupplier clock,
              SignalStats stats, List<String> stun, Function<DeviceId, Optional<RelayGrant>> relayGrants) {
        this.config = config;
        this.cache = cache;
        this.routes = routes;
        this.codec = codec;
        this.clock = clock;
        this.stats = stats;
        this.stun = List.copyOf(stun);
        this.relayGrants = relayGrants;
    }

    /** Registers {@code c}; false (nothing sent) when it is registered already, which the caller refuses. */
    boolean register(Conn c, Message.Register r) {
        if (!allowRegistration(c.ip)) {
            stats.registration("rate-limited");
            c.sendAndClose(new Message.Error(r.rid(), ErrorCode.RATE_LIMITED, "too many registrations from this address"));
            return true;
        }
        // Verify outside the lock: it is the expensive part.
        if (!Ed25519.verifyRegistration(r.publicKey(), r.signature(), c.nonce, r.deviceId())) {
            stats.registration("bad-signature");
            c.sendAndClose(new Message.Error(r.rid(), ErrorCode.BAD_SIGNATURE, "signature does not verify over this connection's nonce"));
            return true;
        }
        Map<Identity, DeviceId> owners = new HashMap<>();
        try {
            cache.find(r.deviceId()); // a shared registry's records are looked up before the lock
            for (Identity alias : r.aliases().identities()) {
                DeviceId owner = cache.cachedAliasOwner(alias);
                owner = owner != null ? owner : owners.get(alias);
                if (owner != null) {
                    owners.put(alias, owner);
                }
            }
        } catch (DeviceCache.Unavailable e) {
            LOG.warn("registration of {} refused: {}", r.deviceId(), e.getMessage());
            stats.registration("registry-unavailable");
            c.sendAndClose(new Message.Error(r.rid(), ErrorCode.REGISTRY_UNAVAILABLE, "registry unavailable"));
            return true;
        }
        long now = clock.getAsLong();
        // 1. checked against the cache, under the lock (quick)
        boolean fresh;
        boolean aliasesChanged;
        long createdAt;
        synchronized (this) {
            if (c.deviceId != null || c.registering) {
                stats.registration("already-registered");
                return false;
            }
            Device d = cache.cached(r.deviceId());
            if (d != null && !d.publicKey.equals(r.publicKey())) {
                stats.registration("key-mismatch");
                c.sendAndClose(new Message.Error(r.rid(), ErrorCode.KEY_MISMATCH, "device " + r.deviceId() + " is bound to another key"));
                return true;
            }
            if (d == null && config.enrollToken().isPresent() && !tokenMatches(config.enrollToken().get(), r.enrollToken())) {
                stats.registration("enroll-required");
                c.sendAndClose(new Message.Error(r.rid(), ErrorCode.ENROLL_REQUIRED, "this server needs an enrolment token for new devices"));
                return true;
            }
            for (Identity alias : r.aliases().identities()) {
                DeviceId owner = cache.cachedAliasOwner(alias);
                owner = owner != null ? owner : owners.get(alias);
                if (owner != null && !owner.equals(r.deviceId())) {
                    aliasTaken(c, r, alias);
                    return true;
                }
            }
            fresh = d == null;
            aliasesChanged = fresh || !d.aliases.equals(r.aliases());
            createdAt = fresh ? now : d.createdAt;
            c.registering = fresh || aliasesChanged;
        }
        // 2. the durable write, outside the lock: a slow or unreachable database holds up this registration only,
        // never the event loops registering cached devices (the registry's unique keys settle races on aliases)
        if (fresh || aliasesChanged) {
            try {
                cache.registry().bind(r.deviceId(), r.publicKey(), createdAt, now, codec.encodeNetwork(r.network()), r.aliases());
            } catch (DeviceRegistry.AliasTaken e) {
                done(c);
                aliasTaken(c, r, r.aliases().identities().getFirst());
                return true;
            } catch (SQLException e) {
                done(c);
                LOG.error("cannot store registration of {}: {}", r.deviceId(), e.toString());
                stats.registration("registry-unavailable");
                c.sendAndClose(new Message.Error(r.rid(), ErrorCode.REGISTRY_UNAVAILABLE, "registry unavailable"));
                return true;
            }
        }
        // 3. into the cache and the routes, under the lock again (what changed meanwhile is read again)
        Conn replaced;
        synchronized (this) {
            c.registering = false;
            Device d = cache.cached(r.deviceId());
            if (d != null && !d.publicKey.equals(r.publicKey())) { // bound by another connection meanwhile
                stats.registration("key-mismatch");
                c.sendAndClose(new Message.Error(r.rid(), ErrorCode.KEY_MISMATCH, "device " + r.deviceId() + " is bound to another key"));
                return true;
            }
            if (d == null) {
                d = new Device(r.deviceId(), r.publicKey(), createdAt, r.aliases());
                cache.put(d);
                LOG.info("device {} bound to its key (first registration)", d.id);
            } else if (!d.aliases.equals(r.aliases())) {
                cache.setAliases(d, r.aliases());
                if (routes.clustered()) {
                    routes.broadcast(new ClusterMessage(ClusterMessage.Kind.ALIASES, routes.instanceId(), d.id.value(),
                            null, null, 0, null));
                }
            }
            d.network = r.network();
            d.lastSeen = now;
            c.deviceId = d.id;
            replaced = routes.put(d.id, c);
            MappingMonitor mon = monitor;
            if (mon != null) {
                mon.report(d.id, c.ip, d.network.mappings()); // lock order: registrar, then monitor
            }
            if (!fresh && !aliasesChanged) {
                cache.registry().touchAsync(d.id, now, codec.encodeNetwork(d.network));
            }
        }
        if (replaced != null && replaced != c) {
            closeReplaced(replaced);
        }
        stats.registration("ok");
        c.send(new Message.Registered(r.rid(), r.deviceId(), config.heartbeat().toMillis(), stun,
                relayGrants.apply(r.deviceId()).orElse(null), now));
        registeredListener.accept(r.deviceId());
        return true;
    }

    private synchronized void done(Conn c) {
        c.registering = false;
    }

    private void aliasTaken(Conn c, Message.Register r, Identity alias) {
        stats.registration("alias-taken");
        c.sendAndClose(new Message.Error(r.rid(), ErrorCode.ALIAS_TAKEN, alias.kind().wire() + " alias is taken by another device"));
    }

    /** Closes a connection another one (here or on another instance) registered over. */
    void closeReplaced(Conn replaced) {
        synchronized (this) {
            replaced.deviceId = null;
        }
        replaced.sendAndClose(new Message.Error(null, ErrorCode.REPLACED, "another connection registered as this device"));
    }

    private static boolean tokenMatches(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private synchronized boolean allowRegistration(InetAddress ip) {
        long minute = clock.getAsLong() / 60_000;
        if (minute != registrationWindow) {
            registrations.clear();
            registrationWindow = minute;
        }
        int[] n = registrations.computeIfAbsent(ip, k -> new int[1]);
        return ++n[0] <= config.limits().registrationsPerIpPerMinute();
    }

    void update(Conn c, Message.Update u) {
        long now = clock.getAsLong();
        synchronized (this) {
            Device d = cache.cached(c.deviceId);
            d.network = u.network();
            d.lastSeen = now;
            cache.registry().touchAsync(d.id, now, codec.encodeNetwork(d.network));
            MappingMonitor mon = monitor;
            if (mon != null) {
                mon.report(d.id, c.ip, d.network.mappings());
            }
        }
        c.send(new Message.Ok(u.rid()));
    }

    /** See {@link Broker#authenticateKey}. */
    Broker.KeyCheck authenticateKey(DeviceId id, String publicKey) {
        long now = clock.getAsLong();
        try {
            cache.find(id);
        } catch (DeviceCache.Unavailable e) {
            return Broker.KeyCheck.UNAVAILABLE;
        }
        synchronized (this) {
            Device d = cache.cached(id);
            if (d != null) {
                return d.publicKey.equals(publicKey) ? Broker.KeyCheck.MATCH : Broker.KeyCheck.MISMATCH;
            }
            if (config.enrollToken().isPresent()) {
                return Broker.KeyCheck.ENROLL_REQUIRED;
            }
            try {
                cache.registry().bind(id, publicKey, now, now, codec.encodeNetwork(NetworkInfo.EMPTY), Aliases.NONE);
            } catch (SQLException e) {
                LOG.error("cannot store key of {}: {}", id, e.toString());
                return Broker.KeyCheck.UNAVAILABLE;
            }
            cache.put(new Device(id, publicKey, now, Aliases.NONE));
            LOG.info("device {} bound to its key (first use, transfer endpoint)", id);
            return Broker.KeyCheck.BOUND;
        }
    }
}
