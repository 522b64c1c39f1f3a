package dev.peerlink.cluster;

import dev.peerlink.share.qos.QosBucket;
import dev.peerlink.share.qos.QosBucket.WeightedSum;
import dev.peerlink.share.qos.QosBuckets;
import dev.peerlink.share.qos.QosStore;
import dev.peerlink.share.qos.QosStoreException;
import dev.peerlink.sqlite.SchemaMigrator;
import dev.peerlink.sqlite.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The QoS map's buckets in the cluster's PostgreSQL, shared by every instance ({@code QosMap.shared}). Schema from
 * {@code /db/share-qos-pg/V*.sql}, migrated under an advisory lock (instances start at once) and recorded in
 * {@code qos_schema_version}.
 *
 * <p>{@link #merge} adds a batch of deltas in one transaction: per bucket, in (cell, hour) order so that two
 * instances' transactions never deadlock, {@code INSERT … ON CONFLICT DO NOTHING} (a new bucket is the delta) or else
 * {@code SELECT … FOR UPDATE}, {@link QosBuckets#merge} in Java, {@code UPDATE}. The row lock serialises concurrent
 * writers of one bucket, so none of their samples is lost. The merge stays in Java (not an SQL upsert) because the
 * device-set union is a top-k over packed bytes, and one implementation serves every store.
 *
 * <p>The pool belongs to the caller (the cluster's {@code database()}); {@link #close()} leaves it open.
 */
public final class PostgresQosStore implements QosStore {
    /** Advisory lock key of this schema's migrations: the ASCII bytes of "plqosmap". */
    private static final long MIGRATION_LOCK = 0x706C_716F_736D_6170L;
    private static final SchemaMigrator MIGRATOR = new SchemaMigrator("/db/share-qos-pg/", List.of("V1__qos_buckets.sql"),
            "qos_schema_version", "SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
    private static final String COLUMNS = "cell, hour_of_week, ref_ms, samples, weight, rtt_weight, rtt_sum, down_weight, "
            + "down_sum, up_weight, up_sum, loss_weight, loss_sum, offline_ms, period_ms, devices";
    private static final String VALUES = "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    private static final String SET = "ref_ms = ?, samples = ?, weight = ?, rtt_weight = ?, rtt_sum = ?, down_weight = ?, "
            + "down_sum = ?, up_weight = ?, up_sum = ?, loss_weight = ?, loss_sum = ?, offline_ms = ?, period_ms = ?, devices = ?";
    private static final Comparator<QosBucket> KEY_ORDER =
            Comparator.comparingLong(QosBucket::cell).thenComparingInt(QosBucket::hourOfWeek);

    private final DataSource db;

    private PostgresQosStore(DataSource db) {
        this.db = db;
    }

    /**
     * A store on this database (creating and migrating its tables).
     *
     * @throws QosStoreException when the database cannot be reached or migrated
     */
    public static PostgresQosStore open(DataSource db) {
        try (Connection c = db.getConnection()) {
            MIGRATOR.migrate(c);
            return new PostgresQosStore(db);
        } catch (SQLException | RuntimeException e) { // Hikari reports an unreachable server as a RuntimeException
            throw new QosStoreException("cannot open the shared QoS store: " + e.getMessage(), e);
        }
    }

    private <T> T tx(String what, Transactions.Work<T> body) {
        try (Connection c = db.getConnection()) {
            return Transactions.inTransaction(c, body);
        } catch (SQLException e) {
            throw new QosStoreException(what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<QosBucket> load(long cell, int hourOfWeek) {
        try (Connection c = db.getConnection()) {
            return select(c, cell, hourOfWeek, "");
        } catch (SQLException e) {
            throw new QosStoreException("cannot load QoS bucket: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new QosStoreException("corrupt QoS bucket " + Long.toHexString(cell) + "/" + hourOfWeek + ": "
                    + e.getMessage(), e);
        }
    }

    /** Replaces whole buckets (single-writer semantics; instances sharing the store use {@link #merge}). */
    @Override
    public void upsert(Collection<QosBucket> buckets) {
        if (buckets.isEmpty()) {
            return;
        }
        tx("cannot write " + buckets.size() + " QoS buckets", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO qos_buckets(" + COLUMNS + ") " + VALUES
                    + " ON CONFLICT (cell, hour_of_week) DO UPDATE SET (" + COLUMNS.substring("cell, hour_of_week, ".length())
                    + ") = (EXCLUDED.ref_ms, EXCLUDED.samples, EXCLUDED.weight, EXCLUDED.rtt_weight, EXCLUDED.rtt_sum, "
                    + "EXCLUDED.down_weight, EXCLUDED.down_sum, EXCLUDED.up_weight, EXCLUDED.up_sum, EXCLUDED.loss_weight, "
                    + "EXCLUDED.loss_sum, EXCLUDED.offline_ms, EXCLUDED.period_ms, EXCLUDED.devices)")) {
                for (QosBucket b : sorted(buckets)) {
                    ps.setLong(1, b.cell());
                    ps.setInt(2, b.hourOfWeek());
                    bindSums(ps, 3, b);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void merge(Collection<QosBucket> deltas, double halfLifeMs) {
        if (deltas.isEmpty()) {
            return;
        }
        tx("cannot merge " + deltas.size() + " QoS buckets", c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO qos_buckets(" + COLUMNS + ") " + VALUES
                    + " ON CONFLICT (cell, hour_of_week) DO NOTHING");
                 PreparedStatement update = c.prepareStatement("UPDATE qos_buckets SET " + SET
                         + " WHERE cell = ? AND hour_of_week = ?")) {
                for (QosBucket d : sorted(deltas)) {
                    insert.setLong(1, d.cell());
                    insert.setInt(2, d.hourOfWeek());
                    bindSums(insert, 3, d);
                    if (insert.executeUpdate() == 1) {
                        continue; // a new bucket: the delta is all there is
                    }
                    QosBucket stored = select(c, d.cell(), d.hourOfWeek(), " FOR UPDATE").orElseThrow(
                            () -> new SQLException("QoS bucket vanished while merging"));
                    QosBucket merged = QosBuckets.merge(stored, d, halfLifeMs);
                    bindSums(update, 1, merged);
                    update.setLong(15, d.cell());
                    update.setInt(16, d.hourOfWeek());
                    update.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public byte[] sharedSalt(byte[] proposed) {
        return tx("cannot read the shared QoS salt", c -> {
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO qos_salt(id, salt) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")) {
                ins.setBytes(1, proposed);
                ins.executeUpdate();
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT salt FROM qos_salt WHERE id = 1")) {
                rs.next();
                return rs.getBytes(1);
            }
        });
    }

    @Override
    public long count() {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM qos_buckets")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new QosStoreException("cannot count QoS buckets: " + e.getMessage(), e);
        }
    }

    /** Nothing to release: the pool is the caller's. */
    @Override
    public void close() {
    }

    private static List<QosBucket> sorted(Collection<QosBucket> buckets) {
        List<QosBucket> list = new ArrayList<>(buckets);
        list.sort(KEY_ORDER);
        return list;
    }

    /** Binds ref_ms … devices (14 parameters) from {@code first} on. */
    private static void bindSums(PreparedStatement ps, int first, QosBucket b) throws SQLException {
        int i = first;
        ps.setLong(i++, b.refMillis());
        ps.setLong(i++, b.samples());
        ps.setDouble(i++, b.weight());
        for (WeightedSum m : new WeightedSum[] {b.rtt(), b.down(), b.up(), b.loss()}) {
            ps.setDouble(i++, m.weight());
            ps.setDouble(i++, m.sum());
        }
        ps.setDouble(i++, b.offlineMs());
        ps.setDouble(i++, b.periodMs());
        ps.setBytes(i, b.devices());
    }

    private static Optional<QosBucket> select(Connection c, long cell, int hourOfWeek, String lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM qos_buckets WHERE cell = ? AND hour_of_week = ?"
                + lock)) {
            ps.setLong(1, cell);
            ps.setInt(2, hourOfWeek);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new QosBucket(rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5),
                        new WeightedSum(rs.getDouble(6), rs.getDouble(7)), new WeightedSum(rs.getDouble(8), rs.getDouble(9)),
                        new WeightedSum(rs.getDouble(10), rs.getDouble(11)), new WeightedSum(rs.getDouble(12), rs.getDouble(13)),
                        rs.getDouble(14), rs.getDouble(15), rs.getBytes(16)));
            }
        }
    }
}
