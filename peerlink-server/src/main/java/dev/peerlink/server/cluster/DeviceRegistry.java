package dev.peerlink.server.cluster;

import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;
import java.util.List;
import java.util.Optional;

/**
 * Where device records (id, key, times, last network, aliases) persist. The single-process server uses SQLite and
 * holds the whole registry in memory; a shared registry (PostgreSQL in cluster mode) is written by other instances
 * too, so the broker looks a device it does not know up here before calling it unknown.
 */
public interface DeviceRegistry extends AutoCloseable {
    /** A stored device. */
    record Row(DeviceId id, String publicKey, long createdAt, long lastSeen, String networkJson, Aliases aliases) {
        /** Reads columns {@code device_id, public_key, created_at, last_seen, network_json} (in this order). */
        public static Row read(ResultSet rs, Aliases aliases) throws SQLException {
            return new Row(DeviceId.of(rs.getString(1)), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5), aliases);
        }
    }

    /** Alias rows (device, kind, value) as stored, gathered into each device's {@link Aliases}. */
    final class AliasRows {
        private final Map<String, String[]> byDevice = new HashMap<>();

        public void add(String device, String kind, String value) {
            String[] a = byDevice.computeIfAbsent(device, k -> new String[3]);
            switch (kind) {
                case "user" -> a[0] = value;
                case "mac" -> a[1] = value;
                case "username" -> a[2] = value;
                default -> LoggerFactory.getLogger(DeviceRegistry.class).warn("ignoring alias of unknown kind {}", kind);
            }
        }

        public Aliases of(String device) {
            String[] a = byDevice.getOrDefault(device, new String[3]);
            return new Aliases(a[0], a[1], a[2]);
        }
    }

    /** A binding refused because another device holds one of the aliases (a shared registry's constraint). */
    final class AliasTaken extends SQLException {
        public AliasTaken(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Every device, read once at start to warm the broker's cache. */
    List<Row> loadAll() throws SQLException;

    /** True when other processes write this registry, so a cache miss must be looked up with {@link #find}. */
    default boolean shared() {
        return false;
    }

    /** The device with this id, for a shared registry; a private one has nothing the cache lacks. */
    default Optional<Row> find(DeviceId id) throws SQLException {
        return Optional.empty();
    }

    /** The device holding this alias, for a shared registry. */
    default Optional<Row> findByAlias(Identity alias) throws SQLException {
        return Optional.empty();
    }

    /** Binds a device to its key and sets its aliases, durably, in one transaction. */
    void bind(DeviceId id, String publicKey, long createdAt, long lastSeen, String networkJson, Aliases aliases) throws SQLException;

    /** Records last-seen time and network information, off the caller's thread. */
    void touchAsync(DeviceId id, long lastSeen, String networkJson);

    @Override
    void close();
}
