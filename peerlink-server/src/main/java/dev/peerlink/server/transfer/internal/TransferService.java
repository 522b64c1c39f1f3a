package dev.peerlink.server.transfer.internal;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.server.transfer.TransferConfig;
import dev.peerlink.server.transfer.TransferStats;
import dev.peerlink.transfer.ContentId;
import dev.peerlink.transfer.Delivery;
import dev.peerlink.transfer.Manifest;
import dev.peerlink.transfer.UploadService;
import dev.peerlink.transfer.wire.TierProof;
import dev.peerlink.transfer.wire.TransferFrame;
import dev.peerlink.transfer.wire.TransferProtocolException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transfer endpoint's protocol logic, transport-free: authentication (device key or tier secret), the
 * sender's flow ({@link UploadFlow}), the target's inbox, fetch and acknowledgement, and the periodic work
 * (re-announcing unacknowledged deliveries, abandoning stale uploads, collecting orphan chunks). Frames of one
 * connection arrive in order on one thread; different connections run in parallel.
 */
public final class TransferService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransferService.class);

    /** What the transfer endpoint needs from the device registry. */
    public interface Registry {
        /** Null when {@code key} is (now) the device's key; otherwise an error code (key-mismatch, enroll-required...). */
        String checkKey(String device, String key);

        boolean knows(String device);

        /** True while {@code device} holds a registered signalling connection. */
        default boolean online(String device) {
            return false;
        }

        /** Tells {@code device} on its signalling connection that a delivery waits; false when it isn't online there. */
        default boolean announce(String device, dev.peerlink.protocol.Message.Delivery notice) {
            return false;
        }
    }

    private final TransferConfig config;
    private final TransferStores stores;
    private final Registry registry;
    private final String serverId;
    private final DeliveryHub hub;
    private final UploadFlow flow;
    private final CentralLink central;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final SecureRandom random = new SecureRandom();
    private final List<ScheduledFuture<?>> tasks;
    private final TransferStats stats = new TransferStats();
    private TransferStats.Snapshot lastLogged;

    private TransferService(TransferConfig config, TransferStores stores, Registry registry, String serverId, ScheduledExecutorService timer) {
        this.config = config;
        this.stores = stores;
        this.registry = registry;
        this.serverId = serverId;
        this.hub = new DeliveryHub(stores.meta(), System::currentTimeMillis, config.deliveryRetry().toMillis(), registry, stats);
        this.central = config.tier() == TransferConfig.Tier.PRIVATE
                ? new CentralLink(config.central().orElseThrow(), config.tierId().orElse(serverId), config.tierSecret().orElseThrow(),
                        config.maxPayload())
                : null;
        UploadService uploads = new UploadService(stores.meta(), stores.blobs(), config.uploadLimits(), random, System::currentTimeMillis);
        this.flow = new UploadFlow(config, stores.meta(), uploads, hub, central, registry::knows, System::currentTimeMillis, background,
                stats);
        long retry = config.deliveryRetry().toMillis();
        this.tasks = List.of(
                timer.scheduleWithFixedDelay(guard("delivery retry", hub::retry), retry, retry, TimeUnit.MILLISECONDS),
                timer.scheduleWithFixedDelay(guard("upload sweep", () -> stores.sweep(config.uploadTtl().toMillis(), uploads)),
                        1, 10, TimeUnit.MINUTES),
                timer.scheduleWithFixedDelay(guard("stats", this::logStats), 5, 5, TimeUnit.MINUTES));
    }

    public static TransferService start(TransferConfig config, Registry registry, String serverId, ScheduledExecutorService timer)
            throws IOException {
        TransferStores stores = TransferStores.open(config.store(), config.maxContentSize());
        LOG.info("transfer: {} tier, store {}{}", config.tier().wire(), stores.describe(),
                config.central().map(c -> ", central " + c).orElse(""));
        return new TransferService(config, stores, registry, serverId, timer);
    }

    private Runnable guard(String what, Runnable r) {
        return () -> background.execute(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed: {}", what, e.toString());
            }
        });
    }

    public TransferConfig config() {
        return config;
    }

    public int maxPayload() {
        return config.maxPayload();
    }

    /** Counters since start (dedup ratio, stored, delivered). */
    public TransferStats.Snapshot stats() {
        return stats.snapshot();
    }

    /** Every 5 minutes when something changed: one line an operator can grep. */
    private void logStats() {
        TransferStats.Snapshot now = stats.snapshot();
        if (!now.equals(lastLogged)) {
            LOG.info("transfer stats: {}", now);
            lastLogged = now;
        }
    }

    /** A device registered on signalling: it is told (there) of deliveries that wait for it. Off the caller's thread. */
    public void deviceOnline(String device) {
        try {
            background.execute(guard("delivery notices", () -> hub.online(device)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    public void onOpen(TransferConn c) {
        c.send(TransferFrame.of("auth").with("nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(c.nonce()))
                .with("serverId", serverId).with("tier", config.tier().wire()));
    }

    public void onClose(TransferConn c) {
        hub.unsubscribe(c);
    }

    /** Handles one frame; answers errors itself (and closes the connection when they are fatal). */
    public void onFrame(TransferConn c, TransferFrame f) {
        try {
            if (c.device() == null && c.tierId() == null) {
                if (!f.type().equals("hello")) {
                    fatal(c, f.rid(), "unauthenticated", "say hello first");
                    return;
                }
                hello(c, f);
                return;
            }
            switch (f.type()) {
                case "offer" -> flow.offer(c, f);
                case "prove" -> flow.prove(c, f);
                case "chunk" -> flow.chunk(c, f);
                case "resume" -> flow.resume(c, f);
                case "finish" -> flow.finish(c, f);
                case "cancel" -> flow.cancel(c, f);
                case "inbox" -> inbox(c, f);
                case "fetch" -> fetch(c, f);
                case "ack" -> ack(c, f);
                default -> c.send(Errors.frame(f.rid(), "unexpected", "no " + f.type() + " from a client here"));
            }
        } catch (Errors.Refused e) {
            c.send(Errors.frame(f.rid(), e.code, e.getMessage()));
        } catch (TransferProtocolException e) {
            c.send(Errors.frame(f.rid(), "invalid", e.getMessage()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("transfer {} from {} failed: {}", f.type(), c.remote(), e.toString());
            c.send(Errors.frame(f.rid(), "internal", "server error; try again"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close();
        }
    }

    private static void fatal(TransferConn c, String rid, String code, String message) {
        c.send(Errors.frame(rid, code, message));
        c.close();
    }

    private void hello(TransferConn c, TransferFrame f) throws TransferProtocolException {
        TransferFrame welcome = TransferFrame.of("welcome").with("rid", f.rid()).with("serverId", serverId).with("tier", config.tier().wire());
        String tier = f.optStr("tier");
        if (tier != null) {
            Optional<String> secret = config.tier() == TransferConfig.Tier.CENTRAL ? config.tierSecret() : Optional.empty();
            byte[] proof = decode(f.optStr("proof"));
            byte[] clientNonce = decode(f.optStr("nonce"));
            if (secret.isEmpty() || clientNonce == null || clientNonce.length != 32 || !TierProof.matches(
                    TierProof.tierProof(secret.get().getBytes(StandardCharsets.UTF_8), c.nonce(), tier), proof)) {
                LOG.warn("tier hello from {} refused ({})", c.remote(), secret.isEmpty() ? "this server accepts no tiers" : "bad proof");
                fatal(c, f.rid(), "bad-tier-proof", "not a tier of this server");
                return;
            }
            c.authenticated(null, tier);
            c.send(welcome.with("who", "tier:" + tier).with("proof", Base64.getUrlEncoder().withoutPadding().encodeToString(
                    TierProof.centralProof(secret.get().getBytes(StandardCharsets.UTF_8), clientNonce, c.nonce()))));
            return;
        }
        String device = f.str("deviceId");
        String key = f.str("publicKey");
        DeviceId id;
        try {
            id = new DeviceId(device);
        } catch (IllegalArgumentException e) {
            fatal(c, f.rid(), "invalid", e.getMessage());
            return;
        }
        if (!Ed25519.verifyTransferHello(key, f.str("signature"), c.nonce(), id)) {
            fatal(c, f.rid(), "bad-signature", "signature does not verify over this connection's nonce");
            return;
        }
        String refusal = registry.checkKey(device, key);
        if (refusal != null) {
            fatal(c, f.rid(), refusal, "device " + device + " cannot use this server: " + refusal);
            return;
        }
        c.authenticated(device, null);
        welcome.with("who", device);
        config.central().ifPresent(u -> welcome.with("central", u));
        c.send(welcome);
    }

    private static byte[] decode(String b64) {
        try {
            return b64 == null ? null : Base64.getUrlDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void inbox(TransferConn c, TransferFrame f) throws Errors.Refused, TransferProtocolException {
        requireDevice(c);
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        for (Delivery d : hub.pending(c.device())) {
            items.add(hub.item(d));
        }
        if (f.flag("subscribe")) {
            hub.subscribe(c.device(), c);
        }
        c.send(TransferFrame.of("deliveries").with("rid", f.rid()).with("items", items));
    }

    private static void requireDevice(TransferConn c) throws Errors.Refused {
        if (c.device() == null) {
            throw new Errors.Refused("unexpected", "tiers have no inbox");
        }
    }

    private Delivery ownDelivery(TransferConn c, TransferFrame f) throws Errors.Refused, TransferProtocolException {
        requireDevice(c);
        long id = f.num("delivery", 0, Long.MAX_VALUE);
        return stores.meta().delivery(id)
                .filter(d -> d.targetDevice().equals(c.device()) && d.state() == Delivery.State.PENDING)
                .orElseThrow(() -> new Errors.Refused("unknown-delivery", "no pending delivery " + id + " for " + c.device()));
    }

    /** Streams a delivery: the manifest as the answer, then one {@code data} frame per chunk from {@code from}, then {@code end}. */
    private void fetch(TransferConn c, TransferFrame f) throws Errors.Refused, TransferProtocolException, IOException, InterruptedException {
        Delivery d = ownDelivery(c, f);
        Manifest m = stores.meta().content(d.content())
                .orElseThrow(() -> new Errors.Refused("content-unavailable", "content " + d.content() + " is gone"));
        int from = (int) f.num("from", 0, m.chunkCount());
        stores.meta().deliveryAttempted(d.id(), System.currentTimeMillis());
        c.send(TransferFrame.of("manifest").with("rid", f.rid()).with("delivery", d.id()).payload(m.encode()));
        for (int i = from; i < m.chunkCount() && c.isOpen(); i++) {
            ContentId chunk = m.chunk(i).id();
            byte[] bytes;
            try (InputStream in = stores.blobs().open(chunk)) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                LOG.error("chunk {} of {} unreadable: {}", chunk, d.content(), e.toString());
                c.send(Errors.frame(null, "content-unavailable", "chunk " + i + " unreadable").with("delivery", d.id()));
                return;
            }
            c.sendPaced(TransferFrame.of("data").with("delivery", d.id()).with("index", i).payload(bytes));
        }
        c.send(TransferFrame.of("end").with("delivery", d.id()));
    }

    private void ack(TransferConn c, TransferFrame f) throws Errors.Refused, TransferProtocolException {
        Delivery d = ownDelivery(c, f);
        if (d.state() != Delivery.State.DELIVERED) {
            stats.acked();
        }
        stores.meta().setDeliveryState(d.id(), Delivery.State.DELIVERED, System.currentTimeMillis());
        c.send(TransferFrame.of("ok").with("rid", f.rid()));
    }

    /** A fresh connection nonce. */
    public byte[] newNonce() {
        byte[] n = new byte[32];
        random.nextBytes(n);
        return n;
    }

    @Override
    public void close() {
        tasks.forEach(t -> t.cancel(false));
        background.shutdownNow();
        if (central != null) {
            central.close();
        }
        stores.close();
    }
}
