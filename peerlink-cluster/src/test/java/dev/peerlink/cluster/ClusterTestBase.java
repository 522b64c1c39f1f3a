package dev.peerlink.cluster;

import dev.peerlink.server.share.ShareConfig;
import dev.peerlink.testkit.db.EmbeddedPostgres;
import dev.peerlink.testkit.db.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three instances on one real Redis and PostgreSQL per test, and what the tests read of them. */
abstract class ClusterTestBase {
    @RegisterExtension
    static final EmbeddedRedis REDIS = new EmbeddedRedis();
    @RegisterExtension
    static final EmbeddedPostgres PG = new EmbeddedPostgres();

    /** Closed after each test, last added first. */
    final List<AutoCloseable> toClose = new ArrayList<>();
    ClusterHarness cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterHarness.start(REDIS, PG, 3, sharing());
    }

    /** Network sharing on the instances (null: off, as most cluster tests need no sharing). */
    ShareConfig sharing() {
        return null;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        cluster.close();
    }

    /** The instance presence names for {@code device}, or null. */
    static String presence(String device) {
        RedisClient client = RedisClient.create(REDIS.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().get("pl:presence:" + device);
        } finally {
            client.shutdown();
        }
    }
}
