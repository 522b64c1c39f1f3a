package dev.peerlink.cluster.internal;

import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.server.cluster.DeviceRegistry;
import dev.peerlink.sqlite.SchemaMigrator;
import dev.peerlink.sqlite.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device registry in PostgreSQL, shared by every instance: schema from {@code /db/registry-pg/V*.sql}, migrated
 * under an advisory lock (instances start together) and recorded in {@code registry_schema_version}. Bindings are
 * synchronous transactions; an alias another device holds fails the primary key and becomes {@link AliasTaken}.
 * Last-seen updates go through one writer thread and are dropped (logged) while the database is down.
 */
public final class PostgresDeviceRegistry implements DeviceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresDeviceRegistry.class);
    /** Advisory lock key of the registry's migrations: the ASCII bytes of "plregist". */
    private static final long MIGRATION_LOCK = 0x706C_7265_6769_7374L;
    static final SchemaMigrator MIGRATOR = new SchemaMigrator("/db/registry-pg/", List.of("V1__registry.sql"),
            "registry_schema_version", "SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String DEVICE_COLUMNS = "device_id, public_key, created_at, last_seen, network_json";

    private final DataSource pool;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "registry-pg-writer");
        t.setDaemon(true);
        return t;
    });

    private PostgresDeviceRegistry(DataSource pool) {
        this.pool = pool;
    }

    /** Migrates the schema and returns the registry on {@code pool} (which the caller owns and closes). */
    public static PostgresDeviceRegistry open(DataSource pool) throws SQLException {
        try (Connection c = pool.getConnection()) {
            MIGRATOR.migrate(c);
        }
        return new PostgresDeviceRegistry(pool);
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public List<Row> loadAll() throws SQLException {
        try (Connection c = pool.getConnection()) {
            AliasRows aliases = new AliasRows();
            try (PreparedStatement ps = c.prepareStatement("SELECT kind, value, device_id FROM registry_aliases");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    aliases.add(rs.getString(3), rs.getString(1), rs.getString(2));
                }
            }
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + DEVICE_COLUMNS + " FROM registry_devices");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(Row.read(rs, aliases.of(rs.getString(1))));
                }
            }
            return rows;
        }
    }

    @Override
    public Optional<Row> find(DeviceId id) throws SQLException {
        try (Connection c = pool.getConnection()) {
            AliasRows aliases = new AliasRows();
            try (PreparedStatement ps = c.prepareStatement("SELECT kind, value FROM registry_aliases WHERE device_id = ?")) {
                ps.setString(1, id.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        aliases.add(id.value(), rs.getString(1), rs.getString(2));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + DEVICE_COLUMNS + " FROM registry_devices WHERE device_id = ?")) {
                ps.setString(1, id.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Row.read(rs, aliases.of(id.value()))) : Optional.empty();
                }
            }
        }
    }

    @Override
    public Optional<Row> findByAlias(Identity alias) throws SQLException {
        String owner;
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT device_id FROM registry_aliases WHERE kind = ? AND value = ?")) {
            ps.setString(1, alias.kind().wire());
            ps.setString(2, alias.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                owner = rs.getString(1);
            }
        }
        return find(DeviceId.of(owner));
    }

    @Override
    public void bind(DeviceId id, String publicKey, long createdAt, long lastSeen, String networkJson, Aliases aliases) throws SQLException {
        try (Connection c = pool.getConnection()) {
            Transactions.inTransaction(c, tx -> {
                try (PreparedStatement ps = tx.prepareStatement("INSERT INTO registry_devices(" + DEVICE_COLUMNS + ") VALUES (?,?,?,?,?) "
                        + "ON CONFLICT (device_id) DO UPDATE SET last_seen = excluded.last_seen, network_json = excluded.network_json "
                        + "WHERE registry_devices.public_key = excluded.public_key")) {
                    ps.setString(1, id.value());
                    ps.setString(2, publicKey);
                    ps.setLong(3, createdAt);
                    ps.setLong(4, lastSeen);
                    ps.setString(5, networkJson);
                    if (ps.executeUpdate() != 1) {
                        throw new SQLException("device " + id + " was bound to another key by another instance");
                    }
                }
                try (PreparedStatement ps = tx.prepareStatement("DELETE FROM registry_aliases WHERE device_id = ?")) {
                    ps.setString(1, id.value());
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = tx.prepareStatement("INSERT INTO registry_aliases(kind, value, device_id) VALUES (?,?,?)")) {
                    for (Identity alias : aliases.identities()) {
                        ps.setString(1, alias.kind().wire());
                        ps.setString(2, alias.value());
                        ps.setString(3, id.value());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState()) || e.getNextException() != null
                    && UNIQUE_VIOLATION.equals(e.getNextException().getSQLState())) {
                throw new AliasTaken("an alias of " + id + " is held by another device", e);
            }
            throw e;
        }
    }

    @Override
    public void touchAsync(DeviceId id, long lastSeen, String networkJson) {
        try {
            writer.execute(() -> {
                try (Connection c = pool.getConnection();
                     PreparedStatement ps = c.prepareStatement("UPDATE registry_devices SET last_seen = ?, network_json = ? WHERE device_id = ?")) {
                    ps.setLong(1, lastSeen);
                    ps.setString(2, networkJson);
                    ps.setString(3, id.value());
                    ps.executeUpdate();
                } catch (SQLException e) {
                    LOG.warn("cannot record last-seen of {}: {}", id, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
