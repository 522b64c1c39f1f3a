package dev.peerlink.server.transfer.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.transfer.Delivery;
import dev.peerlink.transfer.MetadataStore;
import dev.peerlink.protocol.Message;
import dev.peerlink.server.transfer.TransferStats;
import dev.peerlink.transfer.wire.TransferFrame;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tells targets that deliveries wait, on two channels: a {@code delivery} frame on every subscribed transfer
 * connection, and a {@code delivery} notice on the target's signalling connection (the {@code announcer}; a device
 * that is online but holds no transfer connection learns of it at once). At once when a delivery is created, when
 * a target registers on signalling while deliveries wait, and again every retry interval while one stays
 * unacknowledged. Deliveries live in the {@link MetadataStore}, so a target that was offline (or a restarted
 * server) loses nothing.
 */
final class DeliveryHub {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeliveryHub.class);
    private final MetadataStore meta;
    private final LongSupplier clock;
    private final long retryMillis;
    private final TransferService.Registry signalling;
    private final Map<String, Set<TransferConn>> listeners = new ConcurrentHashMap<>();
    /** Targets told on signalling of deliveries that may still wait (dropped once they have none or went offline). */
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final TransferStats stats;
    /** Due deliveries one retry pass picks up from the shared store at most. */
    private static final int SWEEP = 1000;

    DeliveryHub(MetadataStore meta, LongSupplier clock, long retryMillis, TransferService.Registry signalling, TransferStats stats) {
        this.meta = meta;
        this.clock = clock;
        this.retryMillis = retryMillis;
        this.signalling = signalling;
        this.stats = stats;
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

    /** A new delivery: pushed to the target's open transfer connections and its signalling connection, if any. */
    void created(Delivery d) {
        waiting.add(d.targetDevice());
        push(d);
    }

    /** {@code device} registered on signalling: it hears of everything that waits for it here. */
    void online(String device) {
        List<Delivery> pending = meta.pendingFor(device);
        if (!pending.isEmpty()) {
            waiting.add(device);
        }
        for (Delivery d : pending) {
            announce(d);
        }
    }

    /**
     * A delivery another server holds (a private server's upload finished at its central): the target, if online
     * here, hears where to fetch it. Once; the holder's own retries reach the target where it connects to it.
     */
    void heldElsewhere(String target, long id, String contentId, long size, String from, String name, String server) {
        notify(target, id, () -> new Message.Delivery(id, contentId, size, from, name, server));
    }

    /** Announces, again, deliveries still pending after the retry interval to targets that are connected. */
    void retry() {
        long now = clock.getAsLong();
        Set<String> targets = new HashSet<>(listeners.keySet());
        targets.addAll(waiting);
        for (String device : targets) {
            if (!listeners.containsKey(device) && !signalling.online(device)) {
                waiting.remove(device); // offline: told again when it registers (online), attempts not counted meanwhile
                continue;
            }
            List<Delivery> pending = meta.pendingFor(device);
            if (pending.isEmpty()) {
                waiting.remove(device);
            }
            for (Delivery d : pending) {
                if (now - d.updatedAt() >= retryMillis && meta.claimAttempt(d.id(), d.updatedAt(), now)) {
                    push(meta.delivery(d.id()).orElse(d));
                }
            }
        }
        // deliveries this instance never heard of (created on one that died, or before this one started) whose
        // target is connected: a shared store hands them over; the claim keeps every retry to one instance
        for (Delivery d : meta.pendingDue(now - retryMillis, SWEEP)) {
            String t = d.targetDevice();
            if (!targets.contains(t) && (listeners.containsKey(t) || signalling.online(t))
                    && meta.claimAttempt(d.id(), d.updatedAt(), now)) {
                waiting.add(t);
                push(meta.delivery(d.id()).orElse(d));
            }
        }
    }

    private void push(Delivery d) {
        Set<TransferConn> s = listeners.get(d.targetDevice());
        if (s != null && !s.isEmpty()) {
            TransferFrame f = TransferFrame.of("delivery").with("item", item(d));
            for (TransferConn c : s) {
                if (c.isOpen()) {
                    c.send(f);
                }
            }
        }
        announce(d);
    }

    /** The signalling notice of a delivery held here. */
    private void announce(Delivery d) {
        notify(d.targetDevice(), d.id(), () -> new Message.Delivery(d.id(), d.content().toString(), size(d),
                d.senderDevice(), d.name(), null));
    }

    /** Sends a notice on {@code target}'s signalling connection; a failure never stops a push or the retry pass. */
    private void notify(String target, long id, java.util.function.Supplier<Message.Delivery> notice) {
        try {
            if (signalling.announce(target, notice.get())) {
                stats.notice();
            }
        } catch (RuntimeException e) {
            LOG.debug("no notice to {} of delivery {}: {}", target, id, e.toString());
        }
    }

    private long size(Delivery d) {
        return meta.contentSize(d.content()).orElse(-1);
    }

    ObjectNode item(Delivery d) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("delivery", d.id());
        n.put("contentId", d.content().toString());
        n.put("size", size(d));
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
