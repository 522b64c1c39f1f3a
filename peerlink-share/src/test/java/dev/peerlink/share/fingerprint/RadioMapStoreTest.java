package dev.peerlink.share.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.share.geo.GeoPoint;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RadioMapStoreTest {
    @TempDir
    Path dir;

    private static final ReferencePoint LOBBY = new ReferencePoint(GeoPoint.of(31.2304, 121.4737, 4.0),
            WifiFingerprint.ofBssids(Map.of("aa:bb:cc:dd:ee:01", -61, "aa:bb:cc:dd:ee:02", -70)), "hq");
    private static final ReferencePoint YARD = new ReferencePoint(GeoPoint.of(31.2305, 121.4738),
            WifiFingerprint.ofBssids(Map.of("aa:bb:cc:dd:ee:03", -90)), "hq-yard");

    @Test
    void pointsSurviveAReopen() throws SQLException {
        Path db = dir.resolve("share.db");
        try (RadioMapStore store = RadioMapStore.open(db)) {
            store.add(LOBBY);
            store.addAll(List.of(YARD));
        }
        try (RadioMapStore store = RadioMapStore.open(db)) {
            assertThat(store.loadAll()).containsExactly(LOBBY, YARD);
            assertThat(store.loadAll().get(1).point().hasAltitude()).isFalse();
            assertThat(store.loadMap(10).size()).isEqualTo(2);
        }
    }

    @Test
    void inMemoryStoreWorksToo() throws SQLException {
        try (RadioMapStore store = RadioMapStore.open(null)) {
            assertThat(store.loadAll()).isEmpty();
            store.add(LOBBY);
            assertThat(store.loadAll()).containsExactly(LOBBY);
        }
    }

    @Test
    void sharesTheFileWithOtherSchemasWithoutTouchingThem() throws SQLException {
        Path db = dir.resolve("share.db");
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = other.createStatement()) {
            s.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            s.execute("INSERT INTO schema_version VALUES (7, 'V7__qos.sql', 'x', 1)");
            s.execute("CREATE TABLE qos_samples (id INTEGER PRIMARY KEY, v TEXT)");
            s.execute("INSERT INTO qos_samples(v) VALUES ('kept')");
        }
        try (RadioMapStore store = RadioMapStore.open(db)) {
            store.add(LOBBY);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT v FROM qos_samples")).isEqualTo("kept");
            assertThat(single(s, "SELECT MAX(version) FROM schema_version")).isEqualTo("7");
            assertThat(single(s, "SELECT MAX(version) FROM radio_schema_version")).isEqualTo("1");
        }
    }

    @Test
    void aRowEditedIntoNonsenseIsReportedNotLoaded() throws SQLException {
        Path db = dir.resolve("share.db");
        try (RadioMapStore store = RadioMapStore.open(db)) {
            store.add(LOBBY);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("UPDATE radio_reference_points SET lat = 123");
        }
        try (RadioMapStore store = RadioMapStore.open(db)) {
            assertThatThrownBy(store::loadAll).isInstanceOf(SQLException.class).hasMessageContaining("latitude");
        }
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
