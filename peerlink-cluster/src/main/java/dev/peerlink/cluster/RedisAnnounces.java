package dev.peerlink.cluster;

import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.server.share.internal.ProviderRegistry;
import dev.peerlink.share.scene.Placement;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareCodec;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sharing announces in one Redis hash ({@value #KEY}: device → expiry and the announce as its wire JSON), so every
 * instance's {@link ProviderRegistry} holds the same providers. Used with {@link RedisProviderIndex}.
 */
public final class RedisAnnounces implements ProviderRegistry.Announces, AutoCloseable {
    static final String KEY = "peerlink:share:announces";
    /** Deletes a field only while it holds the value the caller saw. */
    private static final String REMOVE_IF = """
            if redis.call('hget', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('hdel', KEYS[1], ARGV[1]) end
            return 0""";
    private static final String PUT = """
            local old = redis.call('hget', KEYS[1], ARGV[1])
            redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
            return old""";
    private static final String REMOVE = """
            local old = redis.call('hget', KEYS[1], ARGV[1])
            redis.call('hdel', KEYS[1], ARGV[1])
            return old""";
    private final SignallingCodec codec = new SignallingCodec(1 << 20, 64);
    private final StatefulRedisConnection<String, String> conn;

    public RedisAnnounces(RedisClient redis) {
        this.conn = redis.connect();
    }

    @Override
    public ProviderRegistry.Entry put(String deviceId, ProviderRegistry.Entry e) {
        return decode(deviceId, conn.sync().<String>eval(PUT, ScriptOutputType.VALUE, new String[] {KEY}, deviceId, encode(e)));
    }

    @Override
    public ProviderRegistry.Entry remove(String deviceId) {
        return decode(deviceId, conn.sync().<String>eval(REMOVE, ScriptOutputType.VALUE, new String[] {KEY}, deviceId));
    }

    @Override
    public boolean remove(String deviceId, ProviderRegistry.Entry e) {
        Long n = conn.sync().eval(REMOVE_IF, ScriptOutputType.INTEGER, new String[] {KEY}, deviceId, encode(e));
        return n != null && n > 0;
    }

    @Override
    public ProviderRegistry.Entry get(String deviceId) {
        return decode(deviceId, conn.sync().hget(KEY, deviceId));
    }

    @Override
    public List<ProviderRegistry.Entry> get(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<ProviderRegistry.Entry> out = new ArrayList<>(ids.size());
        for (KeyValue<String, String> kv : conn.sync().hmget(KEY, ids.toArray(String[]::new))) {
            out.add(kv.hasValue() ? decode(kv.getKey(), kv.getValue()) : null);
        }
        return out;
    }

    @Override
    public Collection<ProviderRegistry.Entry> all() {
        List<ProviderRegistry.Entry> out = new ArrayList<>();
        for (Map.Entry<String, String> kv : conn.sync().hgetall(KEY).entrySet()) {
            out.add(decode(kv.getKey(), kv.getValue()));
        }
        return out;
    }

    @Override
    public int size() {
        return Math.toIntExact(conn.sync().hlen(KEY));
    }

    String encode(ProviderRegistry.Entry e) {
        return e.expiresAt() + "\n" + codec.encode(ShareCodec.encode("a", e.announce()));
    }

    private ProviderRegistry.Entry decode(String deviceId, String value) {
        if (value == null) {
            return null;
        }
        int nl = value.indexOf('\n');
        try {
            ShareBody.Announce a = (ShareBody.Announce) ShareCodec.decode((Message.Share) codec.decode(value.substring(nl + 1)));
            return new ProviderRegistry.Entry(deviceId, a, new Placement(a.location(), Set.copyOf(a.networks())),
                    Long.parseLong(value, 0, nl, 10));
        } catch (ProtocolException | dev.peerlink.share.wire.ShareProtocolException | RuntimeException ex) {
            throw new IllegalStateException("unreadable announce of " + deviceId + " in Redis", ex);
        }
    }

    @Override
    public void close() {
        conn.close();
    }
}
