package dev.peerlink.transfer;

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
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * {@link MetadataStore} on one SQLite file ({@code transfer.db}, WAL, synchronous=FULL so a returned write
 * survives power loss), schema from {@code /db/transfer/V*.sql} applied by the {@link SchemaMigrator} and recorded
 * in {@code transfer_schema_version}. One connection, methods synchronized: SQLite serialises writers anyway.
 */
public final class SqliteMetadataStore implements MetadataStore {
    static final SchemaMigrator MIGRATOR = new SchemaMigrator("/db/transfer/", List.of("V1__transfer.sql", "V2__delivery_names_usage.sql", "V3__pending_due_index.sql"), "transfer_schema_version");
    /** Manifests are decoded with this ceiling; the upload service enforces its own, lower, limits. */
    private static final long MANIFEST_SIZE_CEILING = Long.MAX_VALUE;

    private final Connection db;

    private SqliteMetadataStore(Connection db) {
        this.db = db;
    }

    /** Opens (creating and migrating) {@code file}. */
    public static SqliteMetadataStore open(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("PRAGMA busy_timeout=5000");
            }
            MIGRATOR.migrate(c);
            return new SqliteMetadataStore(c);
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot open transfer metadata " + file + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Sql<T> {
        T run() throws SQLException;
    }

    private synchronized <T> T sql(String what, Sql<T> body) {
        try {
            return body.run();
        } catch (SQLException e) {
            throw new StoreException(what + ": " + e.getMessage(), e);
        }
    }

    private synchronized <T> T tx(String what, Sql<T> body) {
        try {
            db.setAutoCommit(false);
            try {
                T t = body.run();
                db.commit();
                return t;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(what + ": " + e.getMessage(), e);
        }
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof ContentId id) {
                ps.setString(i + 1, id.toString());
            } else {
                ps.setObject(i + 1, a);
            }
        }
    }

    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
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

    @Override
    public void putContent(Manifest m, long now) {
        tx("put content", () -> {
            int inserted = update("INSERT OR IGNORE INTO contents(id, size, manifest_id, manifest, created_at) VALUES (?,?,?,?,?)",
                    m.contentId(), m.size(), m.id(), m.encode(), now);
            if (inserted == 1) {
                try (PreparedStatement ps = db.prepareStatement("INSERT INTO content_chunks(content_id, idx, chunk_id) VALUES (?,?,?)")) {
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
        return sql("read content", () -> query("SELECT manifest FROM contents WHERE id = ?",
                rs -> Manifest.decode(rs.getBytes(1), MANIFEST_SIZE_CEILING), id).stream().findFirst());
    }

    @Override
    public java.util.OptionalLong contentSize(ContentId id) {
        return sql("read content size", () -> query("SELECT size FROM contents WHERE id = ?", rs -> rs.getLong(1), id).stream()
                .mapToLong(Long::longValue).findFirst());
    }

    @Override
    public void putChunk(ContentId chunk, int size, long now) {
        sql("put chunk", () -> update("INSERT OR IGNORE INTO chunks(id, size, created_at) VALUES (?,?,?)", chunk, size, now));
    }

    @Override
    public boolean hasChunk(ContentId chunk) {
        return sql("has chunk", () -> !query("SELECT 1 FROM chunks WHERE id = ?", rs -> 1, chunk).isEmpty());
    }

    @Override
    public boolean chunkReferenced(ContentId chunk) {
        return sql("chunk referenced", () -> !query("SELECT 1 FROM content_chunks WHERE chunk_id = ? LIMIT 1", rs -> 1, chunk).isEmpty());
    }

    @Override
    public void deleteChunk(ContentId chunk) {
        sql("delete chunk", () -> update("DELETE FROM chunks WHERE id = ?", chunk));
    }

    @Override
    public void addOwner(String device, ContentId content, long now) {
        sql("add owner", () -> update("INSERT OR IGNORE INTO ownership(device_id, content_id, acquired_at) VALUES (?,?,?)",
                device, content, now));
    }

    @Override
    public boolean isOwner(String device, ContentId content) {
        return sql("is owner", () -> !query("SELECT 1 FROM ownership WHERE device_id = ? AND content_id = ?", rs -> 1,
                device, content).isEmpty());
    }

    @Override
    public List<ContentId> ownedBy(String device) {
        return sql("owned by", () -> query("SELECT content_id FROM ownership WHERE device_id = ? ORDER BY acquired_at, content_id",
                rs -> ContentId.parse(rs.getString(1)), device));
    }

    @Override
    public long createDelivery(ContentId content, String sender, String target, String name, long now) {
        return sql("create delivery", () -> {
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO deliveries(content_id, sender_device, target_device, state, "
                    + "attempts, created_at, updated_at, name) VALUES (?,?,?,'pending',0,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
                bind(ps, content, sender, target, now, now, name);
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static final String DELIVERY_COLS =
            "SELECT id, content_id, sender_device, target_device, state, attempts, created_at, updated_at, name FROM deliveries ";

    private static Delivery delivery(ResultSet rs) throws SQLException {
        return new Delivery(rs.getLong(1), ContentId.parse(rs.getString(2)), rs.getString(3), rs.getString(4),
                Delivery.State.ofSql(rs.getString(5)), rs.getInt(6), rs.getLong(7), rs.getLong(8), rs.getString(9));
    }

    @Override
    public Optional<Delivery> delivery(long id) {
        return sql("read delivery", () -> query(DELIVERY_COLS + "WHERE id = ?", SqliteMetadataStore::delivery, id).stream().findFirst());
    }

    @Override
    public List<Delivery> pendingFor(String target) {
        return sql("pending deliveries", () -> query(DELIVERY_COLS + "WHERE target_device = ? AND state = 'pending' ORDER BY id",
                SqliteMetadataStore::delivery, target));
    }

    @Override
    public void deliveryAttempted(long id, long now) {
        sql("delivery attempted", () -> update("UPDATE deliveries SET attempts = attempts + 1, updated_at = ? WHERE id = ?", now, id));
    }

    @Override
    public void setDeliveryState(long id, Delivery.State state, long now) {
        sql("set delivery state", () -> update("UPDATE deliveries SET state = ?, updated_at = ? WHERE id = ?", state.sql(), now, id));
    }

    @Override
    public void createUpload(UploadRecord u) {
        sql("create upload", () -> update("INSERT INTO upload_sessions(id, device_id, content_id, manifest, state, challenge, needed, "
                        + "created_at, updated_at, context) VALUES (?,?,?,?,?,?,?,?,?,?)", u.id(), u.device(), u.manifest().contentId(),
                u.manifest().encode(), u.state().sql(), u.challenge(), NeededBits.encode(u.needed()),
                u.createdAt(), u.updatedAt(), u.context()));
    }

    @Override
    public Optional<UploadRecord> upload(String id) {
        return sql("read upload", () -> query("SELECT id, device_id, manifest, state, challenge, needed, created_at, updated_at, context "
                + "FROM upload_sessions WHERE id = ?", rs -> {
                    byte[] needed = rs.getBytes(6);
                    return new UploadRecord(rs.getString(1), rs.getString(2), Manifest.decode(rs.getBytes(3), MANIFEST_SIZE_CEILING),
                            UploadRecord.State.ofSql(rs.getString(4)), rs.getBytes(5), NeededBits.decode(needed),
                            rs.getLong(7), rs.getLong(8), rs.getString(9));
                }, id).stream().findFirst());
    }

    @Override
    public void setUploadState(String id, UploadRecord.State state, BitSet needed, long now) {
        sql("set upload state", () -> update("UPDATE upload_sessions SET state = ?, needed = COALESCE(?, needed), updated_at = ? WHERE id = ?",
                state.sql(), NeededBits.encode(needed), now, id));
    }

    @Override
    public void setUploadContext(String id, String context, long now) {
        sql("set upload context", () -> update("UPDATE upload_sessions SET context = ?, updated_at = ? WHERE id = ?", context, now, id));
    }

    @Override
    public void chunkReceived(String id, int index, long now) {
        sql("chunk received", () -> update("INSERT OR IGNORE INTO upload_chunks(session_id, idx, received_at) VALUES (?,?,?)", id, index, now));
    }

    @Override
    public void chunkStored(String session, int index, ContentId chunk, int size, long now) {
        tx("chunk stored", () -> {
            update("INSERT OR IGNORE INTO chunks(id, size, created_at) VALUES (?,?,?)", chunk, size, now);
            update("INSERT OR IGNORE INTO upload_chunks(session_id, idx, received_at) VALUES (?,?,?)", session, index, now);
            return null;
        });
    }

    @Override
    public BitSet receivedChunks(String id) {
        return sql("received chunks", () -> {
            BitSet out = new BitSet();
            query("SELECT idx FROM upload_chunks WHERE session_id = ?", rs -> rs.getInt(1), id).forEach(out::set);
            return out;
        });
    }

    @Override
    public List<String> openUploads(String device) {
        return sql("open uploads", () -> query("SELECT id FROM upload_sessions WHERE device_id = ? AND state IN ('challenged','uploading') "
                + "ORDER BY created_at, id", rs -> rs.getString(1), device));
    }

    @Override
    public List<String> staleUploads(long before, int limit) {
        return sql("stale uploads", () -> query("SELECT id FROM upload_sessions WHERE state IN ('challenged','uploading') "
                + "AND updated_at < ? ORDER BY updated_at, id LIMIT ?", rs -> rs.getString(1), before, limit));
    }

    @Override
    public List<ContentId> orphanChunks(long before, int limit) {
        return sql("orphan chunks", () -> query("SELECT c.id FROM chunks c WHERE c.created_at < ? "
                + "AND NOT EXISTS (SELECT 1 FROM content_chunks cc WHERE cc.chunk_id = c.id) "
                + "ORDER BY c.created_at LIMIT ?", rs -> ContentId.parse(rs.getString(1)), before, limit));
    }

    @Override
    public long addUsage(String device, long day, long bytes) {
        return tx("add usage", () -> {
            update("INSERT INTO device_usage(device_id, day, bytes) VALUES (?,?,?) "
                    + "ON CONFLICT(device_id, day) DO UPDATE SET bytes = bytes + excluded.bytes", device, day, bytes);
            return query("SELECT bytes FROM device_usage WHERE device_id = ? AND day = ?", rs -> rs.getLong(1), device, day).get(0);
        });
    }

    @Override
    public long usage(String device, long day) {
        return sql("usage", () -> query("SELECT bytes FROM device_usage WHERE device_id = ? AND day = ?", rs -> rs.getLong(1),
                device, day).stream().findFirst().orElse(0L));
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new StoreException("close: " + e.getMessage(), e);
        }
    }
}
