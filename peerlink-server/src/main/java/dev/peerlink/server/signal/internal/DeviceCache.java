package dev.peerlink.server.signal.internal;

import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.PeerRef;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.server.cluster.DeviceRegistry;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device registry in memory: every device by id and by alias, loaded from the {@link DeviceRegistry} at start.
 * When the registry is shared (other instances register devices too) a miss is looked up there and cached; a lookup
 * that fails throws {@link Unavailable}, so callers can refuse with {@code registry-unavailable} instead of
 * calling a device unknown. Lookups run outside this object's lock.
 */
final class DeviceCache {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceCache.class);

    /** One device as the broker knows it; the mutable fields are written under the registrar's lock. */
    static final class Device {
        final DeviceId id;
        final String publicKey;
        final long createdAt;
        volatile Aliases aliases;
        volatile NetworkInfo network = NetworkInfo.EMPTY;
        volatile long lastSeen;
        /**
         * Changed on another instance (cluster mode): still good for its id and key, but its aliases have left the
         * index and the next {@link #find} reads the shared registry again.
         */
        volatile boolean stale;

        Device(DeviceId id, String publicKey, long createdAt, Aliases aliases) {
            this.id = id;
            this.publicKey = publicKey;
            this.createdAt = createdAt;
            this.aliases = aliases;
        }

        PeerRef ref() {
            return new PeerRef(id, publicKey);
        }
    }

    /** The shared registry could not be read. */
    static final class Unavailable extends RuntimeException {
        Unavailable(SQLException cause) {
            super("registry unavailable: " + cause.getMessage(), cause);
        }
    }

    private final DeviceRegistry registry;
    private final SignallingCodec codec;
    private final Map<DeviceId, Device> devices = new HashMap<>();
    private final Map<Identity, DeviceId> aliasIndex = new HashMap<>();

    DeviceCache(DeviceRegistry registry, SignallingCodec codec) throws SQLException {
        this.registry = registry;
        this.codec = codec;
        for (DeviceRegistry.Row row : registry.loadAll()) {
            add(row);
        }
        LOG.info("signalling registry: {} devices{}", devices.size(), registry.shared() ? " (shared: misses are looked up)" : "");
    }

    DeviceRegistry registry() {
        return registry;
    }

    private synchronized Device add(DeviceRegistry.Row row) {
        Device known = devices.get(row.id());
        if (known != null && !known.stale) {
            return known;
        }
        if (known != null) {
            unindex(known);
        }
        Device d = new Device(row.id(), row.publicKey(), row.createdAt(), row.aliases());
        d.lastSeen = row.lastSeen();
        if (row.networkJson() != null) {
            try {
                d.network = codec.decodeNetwork(row.networkJson());
            } catch (ProtocolException e) {
                LOG.warn("stored network of {} unreadable: {}", row.id(), e.getMessage());
            }
        }
        put(d);
        return d;
    }

    /** The cached device, without a lookup. */
    synchronized Device cached(DeviceId id) {
        return devices.get(id);
    }

    /** The device, looked up in a shared registry on a miss (or when stale); null when unknown. */
    Device find(DeviceId id) {
        Device d = cached(id);
        if ((d != null && !d.stale) || !registry.shared()) {
            return d;
        }
        try {
            Optional<DeviceRegistry.Row> row = registry.find(id);
            return row.map(this::add).orElse(null);
        } catch (SQLException e) {
            throw new Unavailable(e);
        }
    }

    /** The device holding {@code alias}, looked up in a shared registry on a miss; null when none. */
    DeviceId aliasOwner(Identity alias) {
        synchronized (this) {
            DeviceId owner = aliasIndex.get(alias);
            if (owner != null || !registry.shared()) {
                return owner;
            }
        }
        try {
            Optional<DeviceRegistry.Row> row = registry.findByAlias(alias);
            return row.map(r -> add(r).id).orElse(null);
        } catch (SQLException e) {
            throw new Unavailable(e);
        }
    }

    /** The alias's owner as cached, without a lookup. */
    synchronized DeviceId cachedAliasOwner(Identity alias) {
        return aliasIndex.get(alias);
    }

    /**
     * True when answering for {@code id} may need the shared registry (not cached): callers on an event loop hand such
     * work to another thread, so a slow or unreachable database never stalls other connections.
     */
    boolean mayLookUp(Identity id) {
        if (!registry.shared()) {
            return false;
        }
        if (id.kind() == Identity.Kind.DEVICE) {
            Device d = cached(DeviceId.of(id.value()));
            return d == null || d.stale;
        }
        return cachedAliasOwner(id) == null;
    }

    /** A device id or alias to the registered device; null when unknown. */
    DeviceId resolve(Identity id) {
        if (id.kind() == Identity.Kind.DEVICE) {
            Device d = find(DeviceId.of(id.value()));
            return d == null ? null : d.id;
        }
        return aliasOwner(id);
    }

    /** Adds a new device (and its aliases). */
    synchronized void put(Device d) {
        devices.put(d.id, d);
        for (Identity alias : d.aliases.identities()) {
            aliasIndex.put(alias, d.id);
        }
    }

    /**
     * Cluster mode: {@code id} registered (or changed its aliases) on another instance. Its aliases leave the index
     * and it is read again on next use, so no instance goes on routing an alias that moved. The object stays, for
     * connections here that still refer to it.
     */
    synchronized void invalidate(DeviceId id) {
        Device d = devices.get(id);
        if (d != null && !d.stale) {
            unindex(d);
            d.stale = true;
        }
    }

    /** Every device read again on next use: broadcasts were lost (the bus reconnected), any alias may have moved. */
    synchronized void invalidateAll() {
        if (!registry.shared()) {
            return;
        }
        devices.values().forEach(d -> d.stale = true);
        aliasIndex.clear();
        LOG.info("registry cache invalidated ({} devices): the cluster bus reconnected", devices.size());
    }

    private void unindex(Device d) {
        d.aliases.identities().forEach(a -> aliasIndex.remove(a, d.id));
    }

    /** Replaces {@code d}'s aliases in the index. */
    synchronized void setAliases(Device d, Aliases aliases) {
        unindex(d);
        d.aliases = aliases;
        for (Identity alias : aliases.identities()) {
            aliasIndex.put(alias, d.id);
        }
    }

    synchronized int size() {
        return devices.size();
    }
}
