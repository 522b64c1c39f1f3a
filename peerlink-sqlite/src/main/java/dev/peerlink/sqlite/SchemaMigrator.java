package dev.peerlink.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

/**
 * A small forward-only schema migrator (Flyway's model without Flyway): numbered SQL scripts on the
 * classpath, applied in order inside a transaction each, recorded with a SHA-256 checksum in a version
 * table. A changed script that was already applied, or a database newer than this build, stops the
 * caller instead of guessing.
 *
 * <p>Each schema owner passes its own script folder and version table (the signalling registry uses
 * {@code /db/migration/} and {@code schema_version}, the transfer store {@code /db/transfer/} and
 * {@code transfer_schema_version}), so several schemas can share one database file without colliding.
 *
 * <p>Plain JDBC and portable SQL, so it also runs on PostgreSQL. There several processes may migrate the same
 * database at once: a {@code lockSql} statement (e.g. {@code SELECT pg_advisory_xact_lock(…)}) opens every
 * transaction, and the version table is created and read under it. SQLite needs none (it serialises writers).
 */
public final class SchemaMigrator {
    private final String folder;
    private final List<String> migrations;
    private final String table;
    private final String lockSql;

    /** @param folder classpath folder, e.g. "/db/transfer/"; @param migrations every script, in order; never edit a shipped one */
    public SchemaMigrator(String folder, List<String> migrations, String table) {
        this(folder, migrations, table, null);
    }

    /** @param lockSql run first in each migration transaction to serialise concurrent migrators; null for none */
    public SchemaMigrator(String folder, List<String> migrations, String table, String lockSql) {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("bad version table name " + table);
        }
        this.folder = folder.endsWith("/") ? folder : folder + "/";
        this.migrations = List.copyOf(migrations);
        this.table = table;
        this.lockSql = lockSql;
    }

    public int migrate(Connection db) throws SQLException {
        boolean auto = db.getAutoCommit();
        db.setAutoCommit(false);
        try {
            lock(db);
            // applied_at BIGINT: epoch millis overflow PostgreSQL's 32-bit INTEGER (SQLite treats both alike)
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                        + "checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            }
            int newest = 0;
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + table)) {
                if (rs.next()) {
                    newest = rs.getInt(1);
                }
            }
            if (newest > migrations.size()) {
                throw new SQLException("database schema version " + newest + " is newer than this build knows ("
                        + migrations.size() + "); refusing to run an older build on it");
            }
            db.commit();
            for (int i = 0; i < migrations.size(); i++) {
                int version = i + 1;
                String name = migrations.get(i);
                String sql = load(name);
                String checksum = sha256(sql);
                lock(db); // re-read under the lock: another migrator may have applied it meanwhile
                String applied = null;
                try (PreparedStatement ps = db.prepareStatement("SELECT checksum FROM " + table + " WHERE version = ?")) {
                    ps.setInt(1, version);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            applied = rs.getString(1);
                        }
                    }
                }
                if (applied != null) {
                    db.commit();
                    if (!applied.equals(checksum)) {
                        throw new SQLException("migration " + name + " changed after it was applied (checksum mismatch)");
                    }
                    continue;
                }
                try (Statement s = db.createStatement()) {
                    for (String stmt : statements(sql)) {
                        s.execute(stmt);
                    }
                }
                try (PreparedStatement ps = db.prepareStatement(
                        "INSERT INTO " + table + "(version, name, checksum, applied_at) VALUES (?,?,?,?)")) {
                    ps.setInt(1, version);
                    ps.setString(2, name);
                    ps.setString(3, checksum);
                    ps.setLong(4, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                db.commit();
            }
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(auto);
        }
        return migrations.size();
    }

    private void lock(Connection db) throws SQLException {
        if (lockSql != null) {
            try (Statement s = db.createStatement()) {
                s.execute(lockSql);
            }
        }
    }

    /** Statements separated by ';' at line ends; '--' comment lines dropped. Our scripts only. */
    static List<String> statements(String sql) {
        StringBuilder clean = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.strip().startsWith("--")) {
                clean.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(clean.toString().split(";\\s*\n"))
                .map(String::strip).map(s -> s.endsWith(";") ? s.substring(0, s.length() - 1) : s)
                .filter(s -> !s.isEmpty()).toList();
    }

    private String load(String name) {
        try (InputStream in = SchemaMigrator.class.getResourceAsStream(folder + name)) {
            if (in == null) {
                throw new IllegalStateException("missing migration " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + name, e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
