package dev.peerlink.bench;

import dev.peerlink.bench.ShareWorld.FindScene;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.Message;
import dev.peerlink.server.share.ShareService;
import dev.peerlink.server.share.internal.Candidates;
import dev.peerlink.server.share.internal.FindFlow;
import dev.peerlink.server.share.internal.ProviderRegistry;
import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.match.Matcher;
import dev.peerlink.share.match.Ranking;
import dev.peerlink.share.scene.Placement;
import dev.peerlink.share.scene.Scene;
import dev.peerlink.share.wire.Conditions;
import dev.peerlink.share.wire.ServiceType;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareCodec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Part 2 of the share benchmark: the server-side work of a find before any provider answers. Per find it times
 * {@link Candidates#select} (spatial index, exact scene predicate, policy and offer pre-filter) and then building and
 * encoding the access requests as {@code ShareService.find} does; against it, a linear scan over every provider with
 * the same predicate and filters. A third series sends the whole find frame through {@link ShareService#onMessage}.
 */
final class ShareFindBench {
    private static final int MAX_CANDIDATES = 512, MAX_ASKED = 32, TIMEOUT_MS = 3_000;
    private static final Conditions SOCKS = Conditions.needing(Set.of(ServiceType.SOCKS5));
    private static final Conditions SOCKS_UNMETERED =
            new Conditions(Set.of(ServiceType.SOCKS5), 0, 0, 0, 0, false, 0, List.of(), List.of());

    private final ShareWorld world;
    private final ShareDevices devices;
    private final SecureRandom ids = new SecureRandom();
    private final Predicate<String> online;

    ShareFindBench(ShareWorld world, ShareDevices devices) {
        this.world = world;
        this.devices = devices;
        this.online = id -> devices.isOnline(new DeviceId(id)); // as ShareService passes it
    }

    /** One requester: where, in which scene, needing what. */
    record Query(String requester, Placement me, Scene scene, Conditions need) {}

    /** What a scene's series measured. */
    record Result(FindScene scene, ShareLatency.Summary select, ShareLatency.Summary total, double inRange, double asked,
                  ShareLatency.Summary brute, int agreeing, ShareLatency.Summary service) {}

    List<Query> queries(FindScene kind, int count, long seed) {
        Random r = new Random(seed);
        long now = System.currentTimeMillis();
        List<Query> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Location at = new Location(world.uniformPoint(r, kind.altitude(r)), 8, LocationSource.GNSS, now);
            out.add(new Query("req-" + kind.ordinal() + "-" + i, Placement.at(at), kind.scene(r), i % 5 == 4 ? SOCKS_UNMETERED : SOCKS));
        }
        return out;
    }

    /** The selection and the access requests, as ShareService.find does them after its guards; returns [select ns, total ns, inRange, asked]. */
    long[] find(ProviderRegistry registry, Query q, Map<String, FindFlow> flows) {
        long now = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Candidates.Selection sel = Candidates.select(registry, q.requester(), q.me(), q.scene(), q.need(), MAX_CANDIDATES,
                MAX_ASKED, online, now);
        long t1 = System.nanoTime();
        FindFlow flow = new FindFlow(q.need(), 3, sel, "gnss", 8, found -> { });
        long expiresAt = now + TIMEOUT_MS;
        List<ShareBody.AccessRequest> requests = new ArrayList<>(sel.toAsk().size());
        for (Candidates.ToAsk c : sel.toAsk()) {
            byte[] b = new byte[16];
            ids.nextBytes(b);
            String request = Ed25519.b64(b);
            DeviceId provider = new DeviceId(c.entry().deviceId());
            flow.add(request, provider.value(), devices.publicKey(provider), c.distanceMeters());
            flows.put(request, flow);
            requests.add(new ShareBody.AccessRequest(request, q.requester(), q.need(), q.scene().kind(),
                    Ranking.roundDistance(c.distanceMeters()), expiresAt));
        }
        for (ShareBody.AccessRequest ar : requests) {
            devices.send(new DeviceId(flow.providerOf(ar.request())), ShareCodec.encode(null, ar));
        }
        long t2 = System.nanoTime();
        flows.clear(); // the answers never come here; the next find starts from an empty table
        return new long[] {t1 - t0, t2 - t0, sel.inRange(), sel.toAsk().size()};
    }

    /** What a naive server does: every provider through the same predicate and filters, sorted, the nearest 32 kept. */
    List<Candidates.ToAsk> bruteForce(ProviderRegistry.Entry[] all, Query q) {
        List<Candidates.ToAsk> out = new ArrayList<>();
        for (ProviderRegistry.Entry e : all) {
            if (e.deviceId().equals(q.requester()) || !q.scene().admits(q.me(), e.placement()) || !online.test(e.deviceId())) {
                continue;
            }
            if (!e.announce().policy().admits(q.requester(), null)
                    || !Matcher.mayMatch(q.need(), e.announce().offer(), e.announce().state())) {
                continue;
            }
            out.add(new Candidates.ToAsk(e, Geodesy.distance3dMeters(q.me().location().point(), e.placement().location().point())));
        }
        out.sort((a, b) -> Double.compare(a.distanceMeters(), b.distanceMeters()));
        return out.subList(0, Math.min(MAX_ASKED, out.size()));
    }

    /**
     * Warms the find path and the linear scan on a mix of every scene, so that no scene is measured on code compiled
     * for another alone (the scan's first scene would otherwise run on code specialised to it).
     */
    void warmUp(ProviderRegistry registry, ProviderRegistry.Entry[] all, int perScene, int scansPerScene) {
        Map<String, FindFlow> flows = new HashMap<>();
        List<List<Query>> mix = new ArrayList<>();
        for (FindScene s : FindScene.values()) {
            mix.add(queries(s, perScene, 99 + s.ordinal()));
        }
        for (int i = 0; i < perScene; i++) {
            for (List<Query> qs : mix) {
                find(registry, qs.get(i), flows);
            }
        }
        for (int i = 0; i < scansPerScene; i++) {
            for (List<Query> qs : mix) {
                bruteForce(all, qs.get(i % qs.size()));
            }
        }
    }

    Result measure(ProviderRegistry registry, ProviderRegistry.Entry[] all, FindScene kind, int finds, int bruteFinds) {
        List<Query> qs = queries(kind, finds, 1000 + kind.ordinal());
        Map<String, FindFlow> flows = new HashMap<>();
        ShareLatency select = new ShareLatency(finds), total = new ShareLatency(finds);
        long inRange = 0, asked = 0;
        for (Query q : qs) {
            long[] r = find(registry, q, flows);
            select.add(r[0]);
            total.add(r[1]);
            inRange += r[2];
            asked += r[3];
        }
        ShareLatency brute = new ShareLatency(bruteFinds);
        int agreeing = 0;
        for (int i = 0; i < bruteFinds; i++) {
            Query q = qs.get(i % qs.size());
            long t0 = System.nanoTime();
            List<Candidates.ToAsk> naive = bruteForce(all, q);
            long t1 = System.nanoTime();
            brute.add(t1 - t0);
            List<Candidates.ToAsk> indexed = Candidates.select(registry, q.requester(), q.me(), q.scene(), q.need(),
                    MAX_CANDIDATES, MAX_ASKED, online, System.currentTimeMillis()).toAsk();
            if (ids(naive).equals(ids(indexed))) {
                agreeing++;
            }
        }
        return new Result(kind, select.summary(), total.summary(), inRange / (double) finds, asked / (double) finds,
                brute.summary(), agreeing, null);
    }

    private static List<String> ids(List<Candidates.ToAsk> l) {
        return l.stream().map(t -> t.entry().deviceId()).toList();
    }

    /** Find frames from distinct requesters (so the rate limit never refuses), built before anything is timed. */
    private List<byte[]> findFrames(FindScene kind, int count, long seed, List<DeviceId> from) {
        List<Query> qs = queries(kind, count, seed);
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Query q = qs.get(i);
            ShareBody.Find f = new ShareBody.Find(q.me().location(), Map.of(), q.scene(), List.of(), q.need(), 3, TIMEOUT_MS);
            frames.add(ShareRegistryBench.CODEC.encode(ShareCodec.encode("f" + i, f)).getBytes(StandardCharsets.UTF_8));
            from.add(new DeviceId("s" + seed + "-" + q.requester()));
        }
        return frames;
    }

    /** Warms the service's find path on a mix of every scene, as {@link #warmUp} does for the selection. */
    void warmUpService(ShareService service, int perScene, ShareRegistryBench.Replies replies) throws Exception {
        List<List<byte[]>> frames = new ArrayList<>();
        List<List<DeviceId>> from = new ArrayList<>();
        for (FindScene s : FindScene.values()) {
            from.add(new ArrayList<>());
            frames.add(findFrames(s, perScene, 7000 + s.ordinal(), from.getLast()));
        }
        for (int i = 0; i < perScene; i++) {
            for (int s = 0; s < frames.size(); s++) {
                service.onMessage(from.get(s).get(i), (Message.Share) ShareRegistryBench.CODEC.decode(frames.get(s).get(i)), replies);
            }
        }
    }

    /**
     * The whole find as the server runs it: envelope decode, guards, selection, access requests sent, and (when nobody
     * is in range) the encoded answer. Each find comes from a different requester, so the rate limit never refuses.
     */
    ShareLatency.Summary service(ShareService service, FindScene kind, int finds, ShareRegistryBench.Replies replies)
            throws Exception {
        List<DeviceId> from = new ArrayList<>(finds);
        List<byte[]> frames = findFrames(kind, finds, 5000 + kind.ordinal(), from);
        ShareLatency lat = new ShareLatency(finds);
        for (int i = 0; i < finds; i++) {
            long t0 = System.nanoTime();
            service.onMessage(from.get(i), (Message.Share) ShareRegistryBench.CODEC.decode(frames.get(i)), replies);
            lat.add(System.nanoTime() - t0);
        }
        return lat.summary();
    }
}
