package dev.peerlink.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.peerlink.cluster.internal.PostgresDeviceRegistry;
import dev.peerlink.cluster.internal.RedisBus;
import dev.peerlink.cluster.internal.RedisPresence;
import dev.peerlink.server.cluster.ClusterSeams;
import dev.peerlink.server.share.internal.ProviderRegistry;
import dev.peerlink.server.signal.SignalServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server instance's membership of a cluster, and the single place its cluster parts are wired: it opens the Redis
 * client and the PostgreSQL pool and builds the server's seams from them ({@link #seams()}: the PostgreSQL device
 * registry, Redis presence and the Redis bus). Other cluster components take {@link #redis()} and {@link #database()}
 * from here. Redis commands fail fast while it is unreachable (rather than queueing) and a PostgreSQL connection is
 * awaited at most {@link Options#dbTimeout()}, so outages become clear errors instead of hangs.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    /**
     * @param redisUri e.g. {@code redis://127.0.0.1:6379}
     * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1/peerlink} (user and password in the URL or below)
     * @param instanceId this instance's name, 1-32 characters of {@code [A-Za-z0-9_-]} (it travels in request ids);
     *                   null: generated
     * @param presenceTtl how long a device's presence outlives its last heartbeat (the server's heartbeat window)
     */
    public record Options(String redisUri, String jdbcUrl, String user, String password, String instanceId,
                          Duration presenceTtl, Duration dbTimeout) {
        public Options {
            instanceId = instanceId == null || instanceId.isBlank() ? generatedId() : instanceId;
            if (!instanceId.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new IllegalArgumentException("instance id '" + instanceId + "' must be 1-32 characters of [A-Za-z0-9_-]");
            }
            dbTimeout = dbTimeout == null ? Duration.ofSeconds(2) : dbTimeout;
        }

        private static String generatedId() {
            byte[] b = new byte[6];
            new SecureRandom().nextBytes(b);
            return "peerlink-" + HexFormat.of().formatHex(b);
        }
    }

    /** Membership heartbeat: an instance that stops is out of the probe partition within three of these. */
    private static final Duration MEMBERSHIP_HEARTBEAT = Duration.ofSeconds(2);

    private final Options options;
    private InstanceMembership membership;
    private ClusterMappingScope mappingScope;
    private final RedisClient redis;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> subscription;
    private final HikariDataSource pool;
    private final ScheduledExecutorService scheduler;
    private final ClusterSeams seams;

    private ClusterNode(Options options, RedisClient redis, StatefulRedisConnection<String, String> commands,
                        StatefulRedisPubSubConnection<String, String> subscription, HikariDataSource pool,
                        ScheduledExecutorService scheduler, ClusterSeams seams) {
        this.options = options;
        this.redis = redis;
        this.commands = commands;
        this.subscription = subscription;
        this.pool = pool;
        this.scheduler = scheduler;
        this.seams = seams;
    }

    public static ClusterNode open(Options o) throws IOException {
        HikariDataSource pool = null;
        RedisClient redis = null;
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-" + o.instanceId());
            t.setDaemon(true);
            return t;
        });
        try {
            pool = pool(o);
            PostgresDeviceRegistry registry = PostgresDeviceRegistry.open(pool);
            // reconnect attempts at most a second apart (Lettuce's default backs off to 30 s): after a Redis restart
            // presence and the bus are back within about a second
            redis = RedisClient.create(ClientResources.builder()
                    .reconnectDelay(Delay.fullJitter(Duration.ofMillis(50), Duration.ofSeconds(1), 100, TimeUnit.MILLISECONDS))
                    .build(), RedisURI.create(o.redisUri()));
            redis.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
                    .build());
            StatefulRedisConnection<String, String> commands = redis.connect();
            StatefulRedisPubSubConnection<String, String> subscription = redis.connectPubSub();
            RedisPresence presence = new RedisPresence(commands, o.instanceId(), o.presenceTtl(), scheduler);
            RedisBus bus = new RedisBus(commands, subscription, o.instanceId());
            redis.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                    presence.connectionRestored();
                    if (connection == subscription) {
                        bus.connectionRestored();
                    }
                }
            });
            // every instance finds the same sharing providers: index and announces in Redis
            ProviderRegistry providers = new ProviderRegistry(new RedisProviderIndex(redis), new RedisAnnounces(redis));
            // and one QoS map: every instance merges its samples into PostgreSQL and predicts from it
            ClusterSeams seams = new ClusterSeams(o.instanceId(), Optional.of(registry), presence, bus, Optional.of(providers),
                    Optional.of(PostgresQosStore.open(pool)));
            LOG.info("cluster instance {}: Redis {}, registry {}", o.instanceId(), RedisURI.create(o.redisUri()).toURI().getHost(),
                    redacted(o.jdbcUrl()));
            return new ClusterNode(o, redis, commands, subscription, pool, scheduler, seams);
        } catch (SQLException | RuntimeException e) {
            scheduler.shutdownNow();
            if (redis != null) {
                redis.shutdown();
                redis.getResources().shutdown(0, 2, TimeUnit.SECONDS);
            }
            if (pool != null) {
                pool.close();
            }
            throw new IOException("cannot join the cluster: " + e.getMessage(), e);
        }
    }

    private static HikariDataSource pool(Options o) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(o.jdbcUrl());
        if (o.user() != null) {
            cfg.setUsername(o.user());
        }
        if (o.password() != null) {
            cfg.setPassword(o.password());
        }
        cfg.setPoolName("peerlink-registry-" + o.instanceId());
        cfg.setMaximumPoolSize(8);
        cfg.setConnectionTimeout(Math.max(250, o.dbTimeout().toMillis()));
        cfg.setValidationTimeout(Math.max(250, o.dbTimeout().toMillis()));
        return new HikariDataSource(cfg);
    }

    /** The URL without its query, which may carry a password. */
    static String redacted(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q) + "?…";
    }

    /**
     * Joins {@code server} to the cluster's shared work once it runs: heartbeats this instance's membership with
     * {@code signalUrl} (the one list of live instances, {@link #instances()}), and (with a mapping monitor) takes its
     * share of the mapping probes, so that every mapping is probed by one instance per interval. Undone by {@link #close()}.
     */
    public synchronized void attach(SignalServer server, String signalUrl) {
        membership = new InstanceMembership(redis, instanceId(), signalUrl, MEMBERSHIP_HEARTBEAT);
        membership.start();
        server.mappingMonitor().ifPresent(monitor -> {
            mappingScope = new ClusterMappingScope(redis, membership, monitor);
            mappingScope.start();
        });
    }

    /** The live instances as of this instance's last membership beat: id → signalling URL (empty before attach). */
    public synchronized java.util.Map<String, String> instances() {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        if (membership != null) {
            membership.live().forEach(i -> out.put(i.id(), i.signallingUrl()));
        }
        return out;
    }

    /** What the server needs to run as this instance: {@code SignalServer.start(…, seams())}. */
    public ClusterSeams seams() {
        return seams;
    }

    public String instanceId() {
        return options.instanceId();
    }

    /** The Redis client, for other cluster components (leases, indexes); its connections are theirs to close. */
    public RedisClient redis() {
        return redis;
    }

    /** The PostgreSQL pool, for other cluster components (their own tables and migrations). */
    public DataSource database() {
        return pool;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (mappingScope != null) {
                mappingScope.close();
            }
            if (membership != null) {
                membership.close();
            }
        }
        scheduler.shutdownNow();
        subscription.close();
        commands.close();
        redis.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        redis.getResources().shutdown(0, 2, TimeUnit.SECONDS); // ours, not the client's: it leaves them running
        pool.close();
    }
}
