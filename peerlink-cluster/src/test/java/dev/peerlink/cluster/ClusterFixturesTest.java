package dev.peerlink.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.testkit.db.EmbeddedPostgres;
import dev.peerlink.testkit.db.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real Redis and PostgreSQL the cluster tests stand on: reachable with our client libraries, and restartable. */
class ClusterFixturesTest {
    @RegisterExtension
    static final EmbeddedRedis REDIS = new EmbeddedRedis();
    @RegisterExtension
    static final EmbeddedPostgres PG = new EmbeddedPostgres();

    @Test
    void redisAnswersLettuceAndComesBackEmptyAfterARestart() throws Exception {
        RedisClient client = RedisClient.create(REDIS.uri());
        try {
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().set("k", "v");
                assertThat(c.sync().get("k")).isEqualTo("v");
            }
            REDIS.stopServer();
            assertThatThrownBy(client::connect).isInstanceOf(RedisConnectionException.class);
            REDIS.restartServer();
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                assertThat(c.sync().get("k")).isNull();
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void postgresKeepsItsDataAcrossAStop() throws Exception {
        String url = PG.createDatabase();
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgres.SUPERUSER, null); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v INT)");
            s.execute("INSERT INTO t VALUES (7)");
        }
        PG.stopServer();
        assertThatThrownBy(() -> DriverManager.getConnection(url, EmbeddedPostgres.SUPERUSER, null)).isInstanceOf(SQLException.class);
        PG.restartServer();
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgres.SUPERUSER, null); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT v FROM t")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(1)).isEqualTo(7);
        }
    }
}
