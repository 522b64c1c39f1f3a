package dev.peerlink.server.signal.internal;

import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.server.cluster.DeviceRegistry;
import dev.peerlink.sqlite.SchemaMigrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent registry: devices (id, key, times, last network information) and their aliases in
 * SQLite ({@code DATA/peerlink.db}, WAL). One connection, used under this object's lock; bindings are
 * written synchronously (a device is acknowledged only once its key is on disk), last-seen and network
 * updates asynchronously on a single writer thread.
 */
public final class DeviceStore implements DeviceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceStore.class);
    /** Numbered scripts in /db/migration; never edit a shipped one, add the next. */
    private static final SchemaMigrator MIGRATOR =
            new SchemaMigrator("/db/migration/", List.of("V1__devices.sql"), "schema_version");

    /** SQLite's primary result code for a broken constraint (extended codes keep it in their low byte). */
    private static final int SQLITE_CONSTRAINT = 19;
    private final Connection db;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "signal-db");
        t.setDaemon(true);
        return t;
    });

    private DeviceStore(Connection db) {
        this.db = db;
    }

    /** Opens (creating and migrating) {@code dir/peerlink.db}, or an in-memory database when dir is null. */
    public static DeviceStore open(Path dir) throws SQLException {
        String url;
        if (dir == null) {
            url = "jdbc:sqlite::memory:";
        } else {
            try {
                Files.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw new SQLException("cannot create data directory " + dir + ": " + e.getMessage(), e);
            }
            url = "jdbc:sqlite:" + dir.resolve("peerlink.db").toAbsolutePath();
        }
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            if (dir != null) {
                s.execute("PRAGMA journal_mode=WAL");
            }
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA foreign_keys=ON");
            s.execute("PRAGMA busy_timeout=5000");
        }
        MIGRATOR.migrate(c);
        return new DeviceStore(c);
    }

    @Override
    public synchronized List<Row> loadAll() throws SQLException {
        AliasRows aliases = new AliasRows();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT kind, value, device_id FROM aliases")) {
            while (rs.next()) {
                aliases.add(rs.getString(3), rs.getString(1), rs.getString(2));
            }
        }
        List<Row> rows = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT device_id, public_key, created_at, last_seen, network_json FROM devices")) {
            while (rs.next()) {
                rows.add(Row.read(rs, aliases.of(rs.getString(1))));
            }
        }
        return rows;
    }

    /** Binds a device to its key and sets its aliases, durably, in one transaction. */
    @Override
    public synchronized void bind(DeviceId id, String publicKey, long createdAt, long lastSeen, String networkJson, Aliases aliases)
            throws SQLException {
        db.setAutoCommit(false);
        try {
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO devices(device_id, public_key, created_at, last_seen, network_json) "
                    + "VALUES (?,?,?,?,?) ON CONFLICT(device_id) DO UPDATE SET last_seen = excluded.last_seen, network_json = excluded.network_json "
                    + "WHERE devices.public_key = excluded.public_key")) {
                ps.setString(1, id.value());
                ps.setString(2, publicKey);
                ps.setLong(3, createdAt);
                ps.setLong(4, lastSeen);
                ps.setString(5, networkJson);
                if (ps.executeUpdate() != 1) { // registrations race outside the registrar's lock: never rebind a key
                    throw new SQLException("device " + id + " is bound to another key");
                }
            }
            try (PreparedStatement ps = db.prepareStatement("DELETE FROM aliases WHERE device_id = ?")) {
                ps.setString(1, id.value());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO aliases(kind, value, device_id) VALUES (?,?,?)")) {
                for (var alias : aliases.identities()) {
                    ps.setString(1, alias.kind().wire());
                    ps.setString(2, alias.value());
                    ps.setString(3, id.value());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            if ((e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT) {
                // the only constraint a bind can break: another device holds one of the aliases
                throw new DeviceRegistry.AliasTaken("an alias of " + id + " is held by another device", e);
            }
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** Records last-seen time and network information, on the writer thread. */
    @Override
    public void touchAsync(DeviceId id, long lastSeen, String networkJson) {
        if (writer.isShutdown()) {
            return;
        }
        writer.execute(() -> {
            synchronized (this) {
                try (PreparedStatement ps = db.prepareStatement("UPDATE devices SET last_seen = ?, network_json = ? WHERE device_id = ?")) {
                    ps.setLong(1, lastSeen);
                    ps.setString(2, networkJson);
                    ps.setString(3, id.value());
                    ps.executeUpdate();
                } catch (SQLException e) {
                    LOG.warn("cannot record last-seen of {}: {}", id, e.toString());
                }
            }
        });
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("registry writer did not finish in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try {
                db.close();
            } catch (SQLException e) {
                LOG.warn("closing registry: {}", e.toString());
            }
        }
    }
}
