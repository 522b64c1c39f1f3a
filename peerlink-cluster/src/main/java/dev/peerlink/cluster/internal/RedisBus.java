package dev.peerlink.cluster.internal;

import dev.peerlink.server.cluster.ClusterBus;
import dev.peerlink.server.cluster.ClusterMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus between instances on Redis pub/sub: each instance subscribes to its own channel {@code pl:instance:<id>}
 * (Lettuce subscribes again after a reconnect) and publishes to the recipient's; broadcasts go to
 * {@code pl:instances:all}, which every instance also subscribes to (ignoring its own). Delivery is at most once, like the
 * signalling it carries: a message lost while Redis is down is a connect that times out or is retried.
 */
public final class RedisBus implements ClusterBus {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBus.class);
    private static final String PREFIX = "pl:instance:";
    static final String ALL = "pl:instances:all";

    private final RedisAsyncCommands<String, String> redis;
    private final StatefulRedisPubSubConnection<String, String> subscription;
    private final String channel;
    private final String instanceId;
    private volatile Runnable onLoss = () -> { };

    public RedisBus(StatefulRedisConnection<String, String> commands, StatefulRedisPubSubConnection<String, String> subscription,
                    String instanceId) {
        this.redis = commands.async();
        this.subscription = subscription;
        this.channel = PREFIX + instanceId;
        this.instanceId = instanceId;
    }

    @Override
    public void publish(String instance, ClusterMessage m) {
        send(PREFIX + instance, m, instance);
    }

    @Override
    public void broadcast(ClusterMessage m) {
        send(ALL, m, "all instances");
    }

    private void send(String to, ClusterMessage m, String whom) {
        try {
            redis.publish(to, m.encode()).exceptionally(e -> {
                LOG.warn("{} for {} not sent to {}: {}", m.kind(), m.device(), whom, e.toString());
                return 0L;
            });
        } catch (RuntimeException e) { // a closed connection throws instead of failing the future
            LOG.warn("{} for {} not sent to {}: {}", m.kind(), m.device(), whom, e.toString());
        }
    }

    @Override
    public void onPossibleLoss(Runnable r) {
        this.onLoss = r;
    }

    /** The subscription reconnected: whatever was published meanwhile never reached us. */
    public void connectionRestored() {
        try {
            onLoss.run();
        } catch (RuntimeException e) {
            LOG.warn("resync after a bus reconnect failed: {}", e.toString());
        }
    }

    @Override
    public void subscribe(Consumer<ClusterMessage> inbound) {
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
                if (!channel.equals(ch) && !ALL.equals(ch)) {
                    return;
                }
                try {
                    ClusterMessage m = ClusterMessage.decode(message);
                    if (ALL.equals(ch) && instanceId.equals(m.from())) {
                        return; // our own broadcast
                    }
                    inbound.accept(m);
                } catch (RuntimeException e) {
                    LOG.warn("cluster message not handled: {}", e.toString());
                }
            }
        });
        subscription.sync().subscribe(channel, ALL);
    }
}
