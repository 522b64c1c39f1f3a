package dev.peerlink.share.qos;

import dev.peerlink.share.qos.QosBucket.WeightedSum;
import dev.peerlink.sqlite.SchemaMigrator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * QoS buckets in SQLite, table {@code qos_buckets} (schema version table {@code qos_schema_version}, scripts in
 * {@code /db/share-qos/}). The file may be shared with other schemas (the radio map); only these tables are
 * touched. One connection used under this object's lock; each {@link #upsert} batch is one transaction.
 */
public final class SqliteQosStore implements QosStore {
    /** Numbered scripts; never edit a shipped one, add the next. */
    private static final SchemaMigrator MIGRATOR =
            new SchemaMigrator("/db/share-qos/", List.of("V1__qos_buckets.sql"), "qos_schema_version");
    private static final String COLUMNS = "cell, hour_of_week, ref_ms, samples, weight, rtt_weight, rtt_sum, down_weight, "
            + "down_sum, up_weight, up_sum, loss_weight, loss_sum, offline_ms, period_ms, devices";

    private final Connection db;
    private final PreparedStatement select;
    private final PreparedStatement upsert;
    private boolean closed;

    private SqliteQosStore(Connection db) throws SQLException {
        this.db = db;
        this.select = db.prepareStatement("SELECT " + COLUMNS + " FROM qos_buckets WHERE cell = ? AND hour_of_week = ?");
        this.upsert = db.prepareStatement("INSERT OR REPLACE INTO qos_buckets(" + COLUMNS + ") "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    }

    /**
     * Opens (creating and migrating) the database file, or a private in-memory database when {@code dbFile} is null.
     *
     * @throws QosStoreException when the file cannot be opened or migrated
     */
    public static SqliteQosStore open(Path dbFile) {
        Connection c = null;
        try {
            String url;
            if (dbFile == null) {
                url = "jdbc:sqlite::memory:";
            } else {
                Path parent = dbFile.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                url = "jdbc:sqlite:" + dbFile.toAbsolutePath();
            }
            c = DriverManager.getConnection(url);
            try (Statement s = c.createStatement()) {
                if (dbFile != null) {
                    s.execute("PRAGMA journal_mode=WAL");
                }
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=5000");
            }
            MIGRATOR.migrate(c);
            return new SqliteQosStore(c);
        } catch (SQLException | IOException e) {
            closeQuietly(c);
            throw new QosStoreException("cannot open QoS store " + (dbFile == null ? "(in memory)" : dbFile) + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<QosBucket> load(long cell, int hourOfWeek) {
        ensureOpen();
        try {
            select.setLong(1, cell);
            select.setInt(2, hourOfWeek);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new QosStoreException("cannot load QoS bucket: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new QosStoreException("corrupt QoS bucket " + Long.toHexString(cell) + "/" + hourOfWeek + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void upsert(Collection<QosBucket> buckets) {
        ensureOpen();
        if (buckets.isEmpty()) {
            return;
        }
        try {
            db.setAutoCommit(false);
            try {
                for (QosBucket b : buckets) {
                    bind(b);
                    upsert.addBatch();
                }
                upsert.executeBatch();
                db.commit();
            } catch (SQLException | RuntimeException e) {
                upsert.clearBatch();
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new QosStoreException("cannot write " + buckets.size() + " QoS buckets: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized long count() {
        ensureOpen();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM qos_buckets")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new QosStoreException("cannot count QoS buckets: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeQuietly(db);
        }
    }

    private void bind(QosBucket b) throws SQLException {
        upsert.setLong(1, b.cell());
        upsert.setInt(2, b.hourOfWeek());
        upsert.setLong(3, b.refMillis());
        upsert.setLong(4, b.samples());
        upsert.setDouble(5, b.weight());
        int i = 6;
        for (WeightedSum m : new WeightedSum[] {b.rtt(), b.down(), b.up(), b.loss()}) {
            upsert.setDouble(i++, m.weight());
            upsert.setDouble(i++, m.sum());
        }
        upsert.setDouble(14, b.offlineMs());
        upsert.setDouble(15, b.periodMs());
        upsert.setBytes(16, b.devices());
    }

    private static QosBucket row(ResultSet rs) throws SQLException {
        byte[] devices = rs.getBytes(16); // NOT NULL column; null would be rejected as corrupt
        return new QosBucket(rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5),
                new WeightedSum(rs.getDouble(6), rs.getDouble(7)), new WeightedSum(rs.getDouble(8), rs.getDouble(9)),
                new WeightedSum(rs.getDouble(10), rs.getDouble(11)), new WeightedSum(rs.getDouble(12), rs.getDouble(13)),
                rs.getDouble(14), rs.getDouble(15), devices);
    }

    private void ensureOpen() {
        if (closed) {
            throw new QosStoreException("QoS store is closed");
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing after a failure; the original error matters
            }
        }
    }
}
