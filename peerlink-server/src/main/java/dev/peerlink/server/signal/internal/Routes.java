package dev.peerlink.server.signal.internal;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.server.cluster.ClusterBus;
import dev.peerlink.server.cluster.ClusterMessage;
import dev.peerlink.server.cluster.ClusterSeams;
import dev.peerlink.server.cluster.Presence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a device's signalling connection is: here (the {@code online} map) or, in cluster mode, on the instance the
 * {@link Presence} names, reached through the {@link ClusterBus}. Single-process: local only.
 */
final class Routes {
    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
    /** How long a synchronous remote lookup ({@link #isOnline}, {@link #sendTo}) waits for the presence store. */
    private static final long LOOKUP_TIMEOUT_MS = 2000;

    private final Map<DeviceId, Conn> online = new HashMap<>();
    private final String instanceId;
    private final Presence presence;
    private final ClusterBus bus;
    private final SignallingCodec codec;

    Routes(ClusterSeams seams, SignallingCodec codec) {
        this.instanceId = seams.instanceId();
        this.presence = seams.presence();
        this.bus = seams.bus();
        this.codec = codec;
        presence.republishFrom(this::localDevices);
    }

    boolean clustered() {
        return instanceId != null;
    }

    String instanceId() {
        return instanceId;
    }

    synchronized Conn local(DeviceId device) {
        return online.get(device);
    }

    /** Makes {@code c} the device's connection here; returns the one it replaces. */
    Conn put(DeviceId device, Conn c) {
        Conn replaced;
        synchronized (this) {
            replaced = online.put(device, c);
        }
        presence.claim(device).whenComplete((previous, e) -> {
            if (e != null) {
                LOG.warn("presence of {} not published: {}", device, e.toString());
            } else if (previous != null && !previous.equals(instanceId)) {
                bus.publish(previous, new ClusterMessage(ClusterMessage.Kind.REPLACED, instanceId, device.value(), null, null, 0, null));
            }
        });
        return replaced;
    }

    /** Removes {@code c} if it is still the device's connection here; true when it was. */
    boolean remove(DeviceId device, Conn c, boolean release) {
        synchronized (this) {
            if (online.get(device) != c) {
                return false;
            }
            online.remove(device);
        }
        if (release) {
            presence.release(device);
        }
        return true;
    }

    void heartbeat(DeviceId device) {
        presence.refresh(device);
    }

    /** The instance holding a device not connected here (null: offline). */
    CompletableFuture<String> locate(DeviceId device) {
        if (!clustered()) {
            return CompletableFuture.completedFuture(null);
        }
        return presence.locate(device).thenApply(i -> instanceId.equals(i) ? null : i);
    }

    void publish(String instance, ClusterMessage m) {
        bus.publish(instance, m);
    }

    void broadcast(ClusterMessage m) {
        bus.broadcast(m);
    }

    /** Hands {@code m} to the device here, or on the instance holding it; false when it is nowhere. */
    boolean sendTo(DeviceId device, Message m) {
        Conn c = local(device);
        if (c != null) {
            c.send(m);
            return true;
        }
        String instance = remote(device);
        if (instance == null) {
            return false;
        }
        bus.publish(instance, ClusterMessage.deliver(instanceId, device.value(), null, codec.encode(m)));
        return true;
    }

    boolean isOnline(DeviceId device) {
        return local(device) != null || remote(device) != null;
    }

    private String remote(DeviceId device) {
        if (!clustered()) {
            return null;
        }
        try {
            return locate(device).get(LOOKUP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("presence lookup of {} failed: {}", device, e.toString());
            return null;
        }
    }

    synchronized List<DeviceId> localDevices() {
        return new ArrayList<>(online.keySet());
    }

    synchronized List<Conn> connections() {
        return new ArrayList<>(online.values());
    }

    synchronized int count() {
        return online.size();
    }
}
