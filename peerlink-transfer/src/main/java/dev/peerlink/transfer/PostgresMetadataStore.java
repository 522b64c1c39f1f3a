package dev.peerlink.transfer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.peerlink.sqlite.SchemaMigrator;
import dev.peerlink.sqlite.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * {@link MetadataStore} on PostgreSQL, with the semantics of {@link SqliteMetadataStore}. Schema from
 * {@code /db/transfer-pg/V*.sql}, applied by the {@link SchemaMigrator} under a transaction-scoped advisory lock
 * (several servers may start at once) and recorded in {@code transfer_schema_version}. A HikariCP pool; every
 * method runs in autocommit or its own transaction, so a write is committed (durable under PostgreSQL's default
 * {@code synchronous_commit=on}) when the method returns. Concurrency is left to PostgreSQL: no Java locks.
 */
public final class PostgresMetadataStore implements MetadataStore {
    /** Advisory lock key of the transfer schema's migrations: the ASCII bytes of "pltransf". */
    private static final long MIGRATION_LOCK = 0x706C_7472_616E_7366L;
    static final SchemaMigrator MIGRATOR = new SchemaMigrator("/db/transfer-pg/",
            List.of("V1__transfer.sql", "V2__delivery_names_usage.sql", "V3__pending_due_index.sql"), "transfer_schema_version",
            "SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
    /** Manifests are decoded with this ceiling; the upload service enforces its own, lower, limits. */
    private static final long MANIFEST_SIZE_CEILING = Long.MAX_VALUE;

    private final HikariDataSource pool;

    private PostgresMetadataStore(HikariDataSource pool) {
        this.pool = pool;
    }

    /** Opens (migrating) the database at {@code jdbcUrl}, e.g. {@code jdbc:postgresql://host:5432/peerlink?user=…}. */
    public static PostgresMetadataStore open(String jdbcUrl) {
        return open(jdbcUrl, null, null);
    }

    /** As {@link #open(String)}; a null {@code user} or {@code password} is taken from the URL (or the driver's default). */
    public static PostgresMetadataStore open(String jdbcUrl, String user, String password) {
        HikariDataSource pool = null;
        try {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(jdbcUrl);
            if (user != null) {
                cfg.setUsername(user);
            }
            if (password != null) {
                cfg.setPassword(password);
            }
            cfg.setPoolName("peerlink-transfer");
            cfg.setAutoCommit(true);
            pool = new HikariDataSource(cfg);
            try (Connection c = pool.getConnection()) {
                MIGRATOR.migrate(c);
            }
            return new PostgresMetadataStore(pool);
        } catch (SQLException | RuntimeException e) { // Hikari reports an unreachable server as a RuntimeException
            if (pool != null) {
                pool.close();
            }
            throw new StoreException("cannot open transfer metadata " + redacted(jdbcUrl) + ": " + e.getMessage(), e);
        }
    }

    /** The URL without its query, which may carry a password. */
    private static String redacted(String jdbcUrl) {
        int q = jdbcUrl == null ? -1 : jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q) + "?…";
    }

    @FunctionalInterface
    private interface Sql<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T sql(String what, Sql<T> body) {
        try (Connection c = pool.getConnection()) {
            return body.run(c);
        } catch (SQLException e) {
            throw new StoreException(what + ": " + e.getMessage(), e);
        }
    }

    private <T> T tx(String what, Sql<T> body) {
        return sql(what, c -> Transactions.inTransaction(c, body::run));
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof ContentId id) {
                ps.setString(i + 1, id.toString());
            } else if (a == null) {
                ps.setNull(i + 1, Types.NULL); // the server infers the column's type
            } else {
                ps.setObject(i + 1, a);
            }
        }
    }

    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static <T> List<T> query(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.map(rs));
                }
                return out;
            }
        }
    }

    private <T> List<T> query(String what, String sql, Row<T> row, Object... args) {
        return sql(what, c -> query(c, sql, row, args));
    }

    private boolean exists(String what, String sql, Object... args) {
        return !query(what, sql, rs -> 1, args).isEmpty();
    }

    private void update(String what, String sql, Object... args) {
        sql(what, c -> update(c, sql, args));
    }

    @Override
    public void putContent(Manifest m, long now) {
        tx("put content", c -> {
            // a concurrent put of the same content waits on the primary key, then inserts nothing
            int inserted = update(c, "INSERT INTO contents(id, size, manifest_id, manifest, created_at) VALUES (?,?,?,?,?) "
                    + "ON CONFLICT (id) DO NOTHING", m.contentId(), m.size(), m.id(), m.encode(), now);
            if (inserted == 1) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO content_chunks(content_id, idx, chunk_id) VALUES (?,?,?)")) {
                    for (int i = 0; i < m.chunkCount(); i++) {
                        bind(ps, m.contentId(), i, m.chunk(i).id());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return null;
        });
    }

    @Override
    public Optional<Manifest> content(ContentId id) {
        return query("read content", "SELECT manifest FROM contents WHERE id = ?",
                rs -> Manifest.decode(rs.getBytes(1), MANIFEST_SIZE_CEILING), id).stream().findFirst();
    }

    @Override
    public java.util.OptionalLong contentSize(ContentId id) {
        return query("read content size", "SELECT size FROM contents WHERE id = ?", rs -> rs.getLong(1), id).stream()
                .mapToLong(Long::longValue).findFirst();
    }

    @Override
    public void putChunk(ContentId chunk, int size, long now) {
        update("put chunk", "INSERT INTO chunks(id, size, created_at) VALUES (?,?,?) ON CONFLICT (id) DO NOTHING", chunk, size, now);
    }

    @Override
    public boolean hasChunk(ContentId chunk) {
        return exists("has chunk", "SELECT 1 FROM chunks WHERE id = ?", chunk);
    }

    @Override
    public boolean chunkReferenced(ContentId chunk) {
        return exists("chunk referenced", "SELECT 1 FROM content_chunks WHERE chunk_id = ? LIMIT 1", chunk);
    }

    @Override
    public void deleteChunk(ContentId chunk) {
        update("delete chunk", "DELETE FROM chunks WHERE id = ?", chunk);
    }

    @Override
    public void addOwner(String device, ContentId content, long now) {
        update("add owner", "INSERT INTO ownership(device_id, content_id, acquired_at) VALUES (?,?,?) ON CONFLICT DO NOTHING",
                device, content, now);
    }

    @Override
    public boolean isOwner(String device, ContentId content) {
        return exists("is owner", "SELECT 1 FROM ownership WHERE device_id = ? AND content_id = ?", device, content);
    }

    @Override
    public List<ContentId> ownedBy(String device) {
        return query("owned by", "SELECT content_id FROM ownership WHERE device_id = ? ORDER BY acquired_at, content_id",
                rs -> ContentId.parse(rs.getString(1)), device);
    }

    @Override
    public long createDelivery(ContentId content, String sender, String target, String name, long now) {
        return query("create delivery", "INSERT INTO deliveries(content_id, sender_device, target_device, state, attempts, "
                + "created_at, updated_at, name) VALUES (?,?,?,'pending',0,?,?,?) RETURNING id",
                rs -> rs.getLong(1), content, sender, target, now, now, name).get(0);
    }

    private static final String DELIVERY_COLS =
            "SELECT id, content_id, sender_device, target_device, state, attempts, created_at, updated_at, name FROM deliveries ";

    private static Delivery delivery(ResultSet rs) throws SQLException {
        return new Delivery(rs.getLong(1), ContentId.parse(rs.getString(2)), rs.getString(3), rs.getString(4),
                Delivery.State.ofSql(rs.getString(5)), rs.getInt(6), rs.getLong(7), rs.getLong(8), rs.getString(9));
    }

    @Override
    public Optional<Delivery> delivery(long id) {
        return query("read delivery", DELIVERY_COLS + "WHERE id = ?", PostgresMetadataStore::delivery, id).stream().findFirst();
    }

    @Override
    public List<Delivery> pendingFor(String target) {
        return query("pending deliveries", DELIVERY_COLS + "WHERE target_device = ? AND state = 'pending' ORDER BY id",
                PostgresMetadataStore::delivery, target);
    }

    @Override
    public void deliveryAttempted(long id, long now) {
        update("delivery attempted", "UPDATE deliveries SET attempts = attempts + 1, updated_at = ? WHERE id = ?", now, id);
    }

    @Override
    public boolean claimAttempt(long id, long seenUpdatedAt, long now) {
        return sql("claim a delivery attempt", c -> update(c, "UPDATE deliveries SET attempts = attempts + 1, updated_at = ? "
                + "WHERE id = ? AND updated_at = ? AND state = 'pending'", now, id, seenUpdatedAt)) == 1;
    }

    @Override
    public List<Delivery> pendingDue(long before, int limit) {
        return query("due deliveries", DELIVERY_COLS + "WHERE state = 'pending' AND updated_at <= ? ORDER BY updated_at LIMIT ?",
                PostgresMetadataStore::delivery, before, limit);
    }

    @Override
    public void setDeliveryState(long id, Delivery.State state, long now) {
        update("set delivery state", "UPDATE deliveries SET state = ?, updated_at = ? WHERE id = ?", state.sql(), now, id);
    }

    @Override
    public void createUpload(UploadRecord u) {
        update("create upload", "INSERT INTO upload_sessions(id, device_id, content_id, manifest, state, challenge, needed, "
                        + "created_at, updated_at, context) VALUES (?,?,?,?,?,?,?,?,?,?)", u.id(), u.device(), u.manifest().contentId(),
                u.manifest().encode(), u.state().sql(), u.challenge(), NeededBits.encode(u.needed()),
                u.createdAt(), u.updatedAt(), u.context());
    }

    @Override
    public Optional<UploadRecord> upload(String id) {
        return query("read upload", "SELECT id, device_id, manifest, state, challenge, needed, created_at, updated_at, context "
                + "FROM upload_sessions WHERE id = ?", rs -> new UploadRecord(rs.getString(1), rs.getString(2),
                        Manifest.decode(rs.getBytes(3), MANIFEST_SIZE_CEILING), UploadRecord.State.ofSql(rs.getString(4)),
                        rs.getBytes(5), NeededBits.decode(rs.getBytes(6)), rs.getLong(7), rs.getLong(8), rs.getString(9)),
                id).stream().findFirst();
    }

    @Override
    public void setUploadState(String id, UploadRecord.State state, BitSet needed, long now) {
        // the cast types the parameter even when it is NULL (keep the stored set)
        update("set upload state", "UPDATE upload_sessions SET state = ?, needed = COALESCE(CAST(? AS BYTEA), needed), "
                + "updated_at = ? WHERE id = ?", state.sql(), NeededBits.encode(needed), now, id);
    }

    @Override
    public void setUploadContext(String id, String context, long now) {
        update("set upload context", "UPDATE upload_sessions SET context = ?, updated_at = ? WHERE id = ?", context, now, id);
    }

    @Override
    public void chunkReceived(String id, int index, long now) {
        update("chunk received", "INSERT INTO upload_chunks(session_id, idx, received_at) VALUES (?,?,?) ON CONFLICT DO NOTHING",
                id, index, now);
    }

    @Override
    public BitSet receivedChunks(String id) {
        BitSet out = new BitSet();
        query("received chunks", "SELECT idx FROM upload_chunks WHERE session_id = ?", rs -> rs.getInt(1), id).forEach(out::set);
        return out;
    }

    @Override
    public List<String> openUploads(String device) {
        return query("open uploads", "SELECT id FROM upload_sessions WHERE device_id = ? AND state IN ('challenged','uploading') "
                + "ORDER BY created_at, id", rs -> rs.getString(1), device);
    }

    @Override
    public List<String> staleUploads(long before, int limit) {
        return query("stale uploads", "SELECT id FROM upload_sessions WHERE state IN ('challenged','uploading') "
                + "AND updated_at < ? ORDER BY updated_at, id LIMIT ?", rs -> rs.getString(1), before, limit);
    }

    @Override
    public List<ContentId> orphanChunks(long before, int limit) {
        return query("orphan chunks", "SELECT c.id FROM chunks c WHERE c.created_at < ? "
                + "AND NOT EXISTS (SELECT 1 FROM content_chunks cc WHERE cc.chunk_id = c.id) "
                + "ORDER BY c.created_at LIMIT ?", rs -> ContentId.parse(rs.getString(1)), before, limit);
    }

    @Override
    public long addUsage(String device, long day, long bytes) {
        // one statement: the upsert row-locks, so concurrent adds serialise and each sees its own new total
        return query("add usage", "INSERT INTO device_usage(device_id, day, bytes) VALUES (?,?,?) ON CONFLICT (device_id, day) "
                + "DO UPDATE SET bytes = device_usage.bytes + EXCLUDED.bytes RETURNING bytes", rs -> rs.getLong(1),
                device, day, bytes).get(0);
    }

    @Override
    public long usage(String device, long day) {
        return query("usage", "SELECT bytes FROM device_usage WHERE device_id = ? AND day = ?", rs -> rs.getLong(1),
                device, day).stream().findFirst().orElse(0L);
    }

    @Override
    public void close() {
        pool.close();
    }
}
