package dev.peerlink.cluster;

import dev.peerlink.server.share.ShareConfig;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.testkit.db.EmbeddedPostgres;
import dev.peerlink.testkit.db.EmbeddedRedis;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Server instances on loopback sharing one Redis and one PostgreSQL, as {@code ./peerlink server --cluster …
 * --registry …} runs them: each a {@link ClusterNode} and a {@link SignalServer} started with its seams.
 */
final class ClusterHarness implements AutoCloseable {
    /** Short, so presence expiry is observable in a test: a 3 s window (heartbeat 1 s, three missed). */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    static final int MISSED = 3;
    static final Duration WINDOW = HEARTBEAT.multipliedBy(MISSED);

    /** One instance: its cluster membership and its signalling server. */
    record Instance(String id, ClusterNode node, SignalServer server) implements AutoCloseable {
        String url() {
            return server.url();
        }

        @Override
        public void close() {
            server.close();
            node.close();
        }
    }

    private final EmbeddedRedis redis;
    private final String jdbcUrl;
    /** Network sharing on every instance, or null (off). */
    private final ShareConfig sharing;
    final List<Instance> instances = new ArrayList<>();

    ClusterHarness(EmbeddedRedis redis, EmbeddedPostgres pg, ShareConfig sharing) throws Exception {
        this.redis = redis;
        this.jdbcUrl = pg.createDatabase();
        this.sharing = sharing;
    }

    static ClusterHarness start(EmbeddedRedis redis, EmbeddedPostgres pg, int n) throws Exception {
        return start(redis, pg, n, null);
    }

    static ClusterHarness start(EmbeddedRedis redis, EmbeddedPostgres pg, int n, ShareConfig sharing) throws Exception {
        ClusterHarness h = new ClusterHarness(redis, pg, sharing);
        try {
            for (int i = 1; i <= n; i++) {
                h.add("i" + i);
            }
        } catch (Exception e) {
            h.close();
            throw e;
        }
        return h;
    }

    Instance add(String id) throws Exception {
        ClusterNode node = ClusterNode.open(new ClusterNode.Options(redis.uri(), jdbcUrl, EmbeddedPostgres.SUPERUSER, null, id,
                WINDOW, Duration.ofMillis(500)));
        try {
            SignalServer server = SignalServer.start(SignalServerConfig.builder()
                    .listen(new InetSocketAddress("127.0.0.1", 0))
                    .heartbeat(HEARTBEAT).missedHeartbeats(MISSED)
                    .answerTimeout(Duration.ofSeconds(5))
                    .mappingMonitor(null).share(sharing)
                    .build(), List.of(), d -> Optional.empty(), node.seams());
            Instance in = new Instance(id, node, server);
            instances.add(in);
            return in;
        } catch (Exception e) {
            node.close();
            throw e;
        }
    }

    /** The registry database the instances share. */
    String jdbcUrl() {
        return jdbcUrl;
    }

    Instance get(int i) {
        return instances.get(i);
    }

    @Override
    public void close() {
        for (int i = instances.size() - 1; i >= 0; i--) {
            try {
                instances.get(i).close();
            } catch (RuntimeException e) {
                // an instance a test already stopped
            }
        }
    }
}
