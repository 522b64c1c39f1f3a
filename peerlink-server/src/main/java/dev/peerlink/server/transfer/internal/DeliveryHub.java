package dev.peerlink.server.transfer.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.transfer.Delivery;
import dev.peerlink.transfer.MetadataStore;
import dev.peerlink.transfer.wire.TransferFrame;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Who is listening for deliveries (targets with a subscribed transfer connection) and pushing to them: at once
 * when a delivery is created, and again every retry interval while it stays unacknowledged. Deliveries live in
 * the {@link MetadataStore}, so a target that was offline (or a restarted server) loses nothing.
 */
final class DeliveryHub {
    private final MetadataStore meta;
    private final LongSupplier clock;
    private final long retryMillis;
    private final Map<String, Set<TransferConn>> listeners = new ConcurrentHashMap<>();

    DeliveryHub(MetadataStore meta, LongSupplier clock, long retryMillis) {
        this.meta = meta;
        this.clock = clock;
        this.retryMillis = retryMillis;
    }

    void subscribe(String device, TransferConn c) {
        listeners.computeIfAbsent(device, d -> ConcurrentHashMap.newKeySet()).add(c);
    }

    void unsubscribe(TransferConn c) {
        if (c.device() != null) {
            Set<TransferConn> s = listeners.get(c.device());
            if (s != null) {
                s.remove(c);
                listeners.remove(c.device(), Set.of());
            }
        }
    }

    /** A new delivery: pushed to the target's open connections, if any. */
    void created(Delivery d) {
        push(d);
    }

    /** Announces, again, deliveries still pending after the retry interval to targets that are connected. */
    void retry() {
        long now = clock.getAsLong();
        for (String device : listeners.keySet()) {
            for (Delivery d : meta.pendingFor(device)) {
                if (now - d.updatedAt() >= retryMillis) {
                    meta.deliveryAttempted(d.id(), now);
                    push(meta.delivery(d.id()).orElse(d));
                }
            }
        }
    }

    private void push(Delivery d) {
        Set<TransferConn> s = listeners.get(d.targetDevice());
        if (s == null || s.isEmpty()) {
            return;
        }
        TransferFrame f = TransferFrame.of("delivery").with("item", item(d));
        for (TransferConn c : s) {
            if (c.isOpen()) {
                c.send(f);
            }
        }
    }

    ObjectNode item(Delivery d) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("delivery", d.id());
        n.put("contentId", d.content().toString());
        n.put("size", meta.content(d.content()).map(m -> m.size()).orElse(-1L));
        n.put("from", d.senderDevice());
        if (d.name() != null) {
            n.put("name", d.name());
        }
        n.put("attempts", d.attempts());
        return n;
    }

    List<Delivery> pending(String device) {
        return meta.pendingFor(device);
    }
}
