package dev.peerlink.share.fingerprint;

import dev.peerlink.share.geo.GeoPoint;
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
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The radio map's survey in SQLite. The file may be shared with other stores (the QoS map): this one
 * keeps to its {@code radio_} tables and its own migration folder and version table. One connection,
 * used under this object's lock.
 */
public final class RadioMapStore implements AutoCloseable {
    /** Numbered scripts in /db/share-radio; never edit a shipped one, add the next. */
    private static final SchemaMigrator MIGRATOR =
            new SchemaMigrator("/db/share-radio/", List.of("V1__radio_map.sql"), "radio_schema_version");

    private final Connection db;

    private RadioMapStore(Connection db) {
        this.db = db;
    }

    /** Opens (creating and migrating) {@code dbFile}, or an in-memory database when it is null. */
    public static RadioMapStore open(Path dbFile) throws SQLException {
        String url = "jdbc:sqlite::memory:";
        if (dbFile != null) {
            Path parent = dbFile.toAbsolutePath().getParent();
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new SQLException("cannot create directory " + parent + ": " + e.getMessage(), e);
            }
            url = "jdbc:sqlite:" + dbFile.toAbsolutePath();
        }
        Connection c = DriverManager.getConnection(url);
        try {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=5000"); // the QoS map may be writing the same file
                if (dbFile != null) {
                    s.execute("PRAGMA journal_mode=WAL");
                }
                s.execute("PRAGMA foreign_keys=ON");
            }
            MIGRATOR.migrate(c);
            return new RadioMapStore(c);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public void add(ReferencePoint point) throws SQLException {
        addAll(List.of(point));
    }

    /** Stores all points in one transaction: a survey import lands whole or not at all. */
    public synchronized void addAll(Collection<ReferencePoint> points) throws SQLException {
        db.setAutoCommit(false);
        try (PreparedStatement insertPoint = db.prepareStatement(
                "INSERT INTO radio_reference_points(lat, lon, alt, site) VALUES (?,?,?,?)", Statement.RETURN_GENERATED_KEYS);
             PreparedStatement insertRssi = db.prepareStatement(
                     "INSERT INTO radio_point_rssi(point_id, network_id, rssi) VALUES (?,?,?)")) {
            for (ReferencePoint p : points) {
                insertPoint.setDouble(1, p.point().lat());
                insertPoint.setDouble(2, p.point().lon());
                if (p.point().hasAltitude()) {
                    insertPoint.setDouble(3, p.point().alt());
                } else {
                    insertPoint.setNull(3, Types.REAL);
                }
                insertPoint.setString(4, p.site());
                insertPoint.executeUpdate();
                long id;
                try (ResultSet keys = insertPoint.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
                for (Map.Entry<String, Integer> e : p.fingerprint().rssi().entrySet()) {
                    insertRssi.setLong(1, id);
                    insertRssi.setString(2, e.getKey());
                    insertRssi.setInt(3, e.getValue());
                    insertRssi.addBatch();
                }
                insertRssi.executeBatch();
            }
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /**
     * Every stored point, in insertion order.
     *
     * @throws SQLException also when a stored row no longer passes validation (edited by hand)
     */
    public synchronized List<ReferencePoint> loadAll() throws SQLException {
        Map<Long, Map<String, Integer>> rssi = new HashMap<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT point_id, network_id, rssi FROM radio_point_rssi")) {
            while (rs.next()) {
                rssi.computeIfAbsent(rs.getLong(1), id -> new HashMap<>()).put(rs.getString(2), rs.getInt(3));
            }
        }
        List<ReferencePoint> out = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, lat, lon, alt, site FROM radio_reference_points ORDER BY id")) {
            while (rs.next()) {
                long id = rs.getLong(1);
                double alt = rs.getDouble(4);
                if (rs.wasNull()) {
                    alt = Double.NaN;
                }
                try {
                    out.add(new ReferencePoint(GeoPoint.of(rs.getDouble(2), rs.getDouble(3), alt),
                            new WifiFingerprint(rssi.getOrDefault(id, Map.of())), rs.getString(5)));
                } catch (IllegalArgumentException e) {
                    throw new SQLException("radio reference point " + id + " is invalid: " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    /** A radio map of everything stored, bounded as {@link RadioMap#RadioMap(int)}. */
    public RadioMap loadMap(int maxPoints) throws SQLException {
        RadioMap map = new RadioMap(maxPoints);
        map.addAll(loadAll());
        return map;
    }

    @Override
    public synchronized void close() throws SQLException {
        db.close();
    }
}
