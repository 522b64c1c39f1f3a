package dev.peerlink.server.share;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Message;
import dev.peerlink.server.share.internal.Candidates;
import dev.peerlink.server.share.internal.FindFlow;
import dev.peerlink.server.share.internal.ProviderRegistry;
import dev.peerlink.server.share.internal.RequestIds;
import dev.peerlink.server.share.internal.ShareGuards;
import dev.peerlink.server.share.internal.ShareMaps;
import dev.peerlink.share.Location;
import dev.peerlink.share.match.Ranking;
import dev.peerlink.share.scene.Placement;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareCodec;
import dev.peerlink.share.wire.ShareProtocolException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sharing broker (seed 001, docs/sharing.md): providers announce, requesters find, the server asks every provider
 * in range and returns the best that accept and match. Transport-neutral: the signalling broker hands it the
 * {@code Message.Share} frames of registered devices and gives it a way to reach online devices.
 */
public final class ShareService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShareService.class);

    /** How the service reaches devices: the signalling broker. */
    public interface Devices {
        boolean isOnline(DeviceId device);

        /** Sends to an online device; false when it is not connected. */
        boolean send(DeviceId device, Message m);

        /** The device's registered public key (base64url), or null. */
        String publicKey(DeviceId device);
    }

    /**
     * Cluster mode: the other server instances. A find waits on the requester's instance, but its providers may be
     * connected to others and answer there; their answers are handed to the find's instance, which the request id
     * names ({@link dev.peerlink.server.share.internal.RequestIds}).
     */
    public interface Instances {
        /** This instance's id; null when single-process. */
        String self();

        /** Hands a provider's answer to the instance whose find asked for it; false when it cannot be sent. */
        boolean forward(String instance, DeviceId provider, Message.Share answer);

        Instances NONE = new Instances() {
            @Override
            public String self() {
                return null;
            }

            @Override
            public boolean forward(String instance, DeviceId provider, Message.Share answer) {
                return false;
            }
        };
    }

    private final ShareConfig config;
    private final Devices devices;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;
    private final ProviderRegistry registry;
    private final ShareGuards guards;
    private final ShareMaps maps;
    private final Instances instances;
    private final ConcurrentHashMap<String, FindFlow> flows = new ConcurrentHashMap<>();
    private final LongAdder finds = new LongAdder(), accessRequests = new LongAdder(), announces = new LongAdder(),
            qosReports = new LongAdder();

    public ShareService(ShareConfig config, ProviderRegistry registry, ShareMaps maps, Devices devices,
                        ScheduledExecutorService scheduler, LongSupplier clock) {
        this(config, registry, maps, devices, Instances.NONE, scheduler, clock);
    }

    public ShareService(ShareConfig config, ProviderRegistry registry, ShareMaps maps, Devices devices, Instances instances,
                        ScheduledExecutorService scheduler, LongSupplier clock) {
        this.instances = instances;
        this.config = config;
        this.registry = registry;
        this.maps = maps;
        this.devices = devices;
        this.scheduler = scheduler;
        this.clock = clock;
        this.guards = new ShareGuards(config);
        long sweep = Math.max(250, Math.min(10_000, config.providerTtl().toMillis() / 4));
        scheduler.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** A sharing frame from registered device {@code from}; {@code reply} goes back on its connection. */
    public void onMessage(DeviceId from, Message.Share m, Consumer<Message> reply) {
        ShareBody body;
        try {
            body = ShareCodec.decode(m);
        } catch (ShareProtocolException e) {
            reply.accept(new Message.Error(m.rid(), e.code().wire(), e.getMessage()));
            return;
        }
        try {
            switch (body) {
                case ShareBody.Announce a -> announce(from, m.rid(), a, reply);
                case ShareBody.Withdraw w -> {
                    registry.withdraw(from.value());
                    reply.accept(new Message.Ok(m.rid()));
                }
                case ShareBody.Find f -> find(from, m.rid(), f, reply);
                case ShareBody.AccessAnswer a -> accessAnswer(from, m, a, reply, true);
                case ShareBody.Survey s -> reply.accept(maps.survey(from, m.rid(), s));
                case ShareBody.QosReport r -> {
                    if (guards.qosReport(from.value())) {
                        qosReports.increment();
                        reply.accept(maps.report(from, m.rid(), r, clock.getAsLong()));
                    } else {
                        reply.accept(new Message.Error(m.rid(), ErrorCode.RATE_LIMITED, "too many QoS reports; at most "
                                + config.qosReportsPerMinute() + " a minute"));
                    }
                }
                case ShareBody.QosQuery q -> reply.accept(maps.query(m.rid(), q));
                case ShareBody.Found f -> refuse(m, reply);
                case ShareBody.AccessRequest r -> refuse(m, reply);
                case ShareBody.QosResult r -> refuse(m, reply);
            }
        } catch (RuntimeException e) {
            LOG.warn("sharing request {} from {} failed", m.kind(), from, e);
            reply.accept(new Message.Error(m.rid(), ErrorCode.INTERNAL, "sharing request failed"));
        }
    }

    private static void refuse(Message.Share m, Consumer<Message> reply) {
        reply.accept(new Message.Error(m.rid(), ErrorCode.UNEXPECTED, m.kind() + " is sent by the server, not to it"));
    }

    private void announce(DeviceId from, String rid, ShareBody.Announce a, Consumer<Message> reply) {
        long now = clock.getAsLong();
        Optional<Message.Error> refused = guards.checkAnnounce(from.value(), rid, a.location(), now);
        if (refused.isPresent()) {
            reply.accept(refused.get());
            return;
        }
        if (registry.announce(from.value(), a, now + config.providerTtl().toMillis())) {
            LOG.info("{} shares {} ({})", from, a.offer().services(), a.location() == null ? a.networks() : a.location().source().wire());
        }
        announces.increment();
        reply.accept(new Message.Ok(rid));
    }

    private void find(DeviceId from, String rid, ShareBody.Find f, Consumer<Message> reply) {
        long now = clock.getAsLong();
        Optional<Message.Error> refused = guards.checkFind(from.value(), rid, now);
        if (refused.isPresent()) {
            reply.accept(refused.get());
            return;
        }
        Location at = f.location();
        if (at == null && !f.wifi().isEmpty()) {
            Optional<Location> located = maps.locate(f.wifi(), now);
            if (located.isEmpty()) {
                reply.accept(new Message.Error(rid, "not-located", "the Wi-Fi scan matches no surveyed place"));
                return;
            }
            at = located.get();
        }
        if (at != null) {
            refused = guards.checkPosition(from.value(), rid, at, now);
            if (refused.isPresent()) {
                reply.accept(refused.get());
                return;
            }
        }
        finds.increment();
        Placement me = new Placement(at, Set.copyOf(f.networks()));
        Candidates.Selection sel = Candidates.select(registry, from.value(), me, f.scene(), f.need(), config.maxCandidates(),
                config.maxAsked(), id -> devices.isOnline(new DeviceId(id)), now);
        String source = at == null ? null : at.source().wire();
        double accuracy = at == null ? Double.NaN : at.accuracyMeters();
        FindFlow flow = new FindFlow(f.need(), f.count(), sel, source, accuracy,
                found -> reply.accept(ShareCodec.encode(rid, found)));
        long expiresAt = now + f.timeoutMs();
        // every request is registered before the first goes out: a quick answer must not complete a half-built find
        java.util.List<ShareBody.AccessRequest> requests = new java.util.ArrayList<>();
        for (Candidates.ToAsk c : sel.toAsk()) {
            String request = RequestIds.next(instances.self());
            DeviceId provider = new DeviceId(c.entry().deviceId());
            flow.add(request, provider.value(), devices.publicKey(provider), c.distanceMeters());
            flows.put(request, flow);
            requests.add(new ShareBody.AccessRequest(request, from.value(), f.need(), f.scene().kind(),
                    Ranking.roundDistance(c.distanceMeters()), expiresAt));
        }
        for (ShareBody.AccessRequest ar : requests) {
            accessRequests.increment();
            if (!devices.send(new DeviceId(flow.providerOf(ar.request())), ShareCodec.encode(null, ar))) {
                flows.remove(ar.request());
                flow.answer(ar.request(), new ShareBody.AccessAnswer(ar.request(), false, null, null, "offline"));
            }
        }
        if (sel.toAsk().isEmpty()) {
            flow.finish();
            return;
        }
        scheduler.schedule(() -> {
            flow.finish();
            flow.requests().forEach(flows::remove);
        }, f.timeoutMs(), TimeUnit.MILLISECONDS);
    }

    private void accessAnswer(DeviceId from, Message.Share m, ShareBody.AccessAnswer a, Consumer<Message> reply,
                              boolean mayForward) {
        String rid = m.rid();
        var flow = flows.get(a.request());
        if (flow == null) {
            String owner = RequestIds.instanceOf(a.request());
            if (mayForward && instances.self() != null && owner != null && !owner.equals(instances.self())) {
                if (instances.forward(owner, from, m)) {
                    reply.accept(new Message.Ok(rid)); // the find's instance checks it, as below
                } else {
                    reply.accept(new Message.Error(rid, "no-request", "the server instance that asked is unreachable"));
                }
                return;
            }
            reply.accept(new Message.Error(rid, "no-request", "no access request " + a.request() + " is waiting (expired?)"));
            return;
        }
        if (!from.value().equals(flow.providerOf(a.request()))) {
            // request ids are unguessable, but a provider must never answer for another even if it learns one
            reply.accept(new Message.Error(rid, "not-yours", "that access request went to another device"));
            return;
        }
        flows.remove(a.request());
        flow.answer(a.request(), a);
        reply.accept(new Message.Ok(rid));
    }

    /**
     * A provider's answer that arrived at another instance, for a find waiting here; checked exactly as one that
     * arrived here (its provider must be the device asked). Nobody waits for a reply.
     */
    public void forwardedAnswer(DeviceId provider, Message.Share m) {
        Consumer<Message> reply = r -> {
            if (r instanceof Message.Error e) {
                LOG.debug("forwarded access answer from {} refused: {}", provider, e.message());
            }
        };
        try {
            if (ShareCodec.decode(m) instanceof ShareBody.AccessAnswer a) {
                accessAnswer(provider, m, a, reply, false); // never forwarded twice: no loops between instances
            } else {
                LOG.debug("a forwarded {} from {} is not an access answer", m.kind(), provider);
            }
        } catch (ShareProtocolException e) {
            LOG.debug("unreadable forwarded answer from {}: {}", provider, e.getMessage());
        }
    }

    /** A device's signalling connection closed: it no longer shares. */
    public void deviceOffline(DeviceId device) {
        registry.withdraw(device.value());
    }

    private void sweep() {
        try {
            long now = clock.getAsLong();
            int expired = registry.expire(now);
            if (expired > 0) {
                LOG.debug("{} sharing announces expired", expired);
            }
            guards.sweep(now);
        } catch (RuntimeException e) {
            LOG.warn("sharing sweep failed", e);
        }
    }

    public ProviderRegistry registry() {
        return registry;
    }

    /** Counters since start: finds served, access requests sent, announces accepted. */
    public record Stats(long finds, long accessRequests, long announces, int providers) {}

    public Stats stats() {
        return new Stats(finds.sum(), accessRequests.sum(), announces.sum(), registry.size());
    }

    /** QoS reports accepted (past the rate limit) since start. */
    public long qosReports() {
        return qosReports.sum();
    }

    /** Predictions now for cells reported into, k-anonymous (cells below k devices are left out); at most {@code max}. */
    public java.util.List<dev.peerlink.share.qos.QosPrediction> qosCells(int max) {
        java.time.Instant now = java.time.Instant.ofEpochMilli(clock.getAsLong());
        java.util.List<dev.peerlink.share.qos.QosPrediction> out = new java.util.ArrayList<>();
        com.uber.h3core.H3Core h3 = dev.peerlink.share.qos.internal.H3Cells.h3();
        for (String cell : maps.knownCells(dev.peerlink.server.share.internal.ShareMaps.MAX_KNOWN_CELLS)) {
            if (out.size() >= max) {
                break;
            }
            com.uber.h3core.util.LatLng c = h3.cellToLatLng(cell);
            maps.qos().predict(dev.peerlink.share.geo.GeoPoint.of(c.lat, c.lng), now).ifPresent(out::add);
        }
        return out;
    }

    /** Providers sharing now (live announces). */
    public java.util.List<ProviderRegistry.Entry> providers() {
        return registry.entries(clock.getAsLong());
    }

    @Override
    public void close() {
        maps.close();
    }
}
