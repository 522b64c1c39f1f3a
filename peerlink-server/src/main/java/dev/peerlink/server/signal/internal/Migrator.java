package dev.peerlink.server.signal.internal;

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
 * classpath, applied in order inside a transaction each, recorded with a SHA-256 checksum in
 * {@code schema_version}. A changed script that was already applied, or a database newer than this
 * build, stops the server instead of guessing. See docs/operations.md for why not Flyway.
 */
public final class Migrator {
    /** Every migration, in order. Never edit one that has shipped: add the next. */
    static final List<String> MIGRATIONS = List.of("V1__devices.sql");

    private Migrator() {}

    public static int migrate(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        }
        int newest = 0;
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            if (rs.next()) {
                newest = rs.getInt(1);
            }
        }
        if (newest > MIGRATIONS.size()) {
            throw new SQLException("database schema version " + newest + " is newer than this server knows ("
                    + MIGRATIONS.size() + "); refusing to run an older server on it");
        }
        boolean auto = db.getAutoCommit();
        db.setAutoCommit(false);
        try {
            for (int i = 0; i < MIGRATIONS.size(); i++) {
                int version = i + 1;
                String name = MIGRATIONS.get(i);
                String sql = load(name);
                String checksum = sha256(sql);
                String applied = null;
                try (PreparedStatement ps = db.prepareStatement("SELECT checksum FROM schema_version WHERE version = ?")) {
                    ps.setInt(1, version);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            applied = rs.getString(1);
                        }
                    }
                }
                if (applied != null) {
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
                        "INSERT INTO schema_version(version, name, checksum, applied_at) VALUES (?,?,?,?)")) {
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
        return MIGRATIONS.size();
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

    private static String load(String name) {
        try (InputStream in = Migrator.class.getResourceAsStream("/db/migration/" + name)) {
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
