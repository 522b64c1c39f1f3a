package dev.peerlink.server.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Message;
import dev.peerlink.server.share.internal.ProviderRegistry;
import dev.peerlink.server.share.internal.ShareMaps;
import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.scene.Scene;
import dev.peerlink.share.scene.SceneKind;
import dev.peerlink.share.wire.AccessPolicy;
import dev.peerlink.share.wire.Conditions;
import dev.peerlink.share.wire.LinkState;
import dev.peerlink.share.wire.Limits;
import dev.peerlink.share.wire.ServiceType;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareCodec;
import dev.peerlink.share.wire.ShareOffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sharing broker with simulated devices: hundreds of providers that accept, decline, never answer, or are ruled
 * out by policy; what the requester gets back; and what it must never get (another provider's answer, a position).
 */
class ShareServiceTest {
    static final GeoPoint CENTRE = GeoPoint.of(48.8566, 2.3522, 35);
    static final ShareOffer SOCKS = new ShareOffer(EnumSet.of(ServiceType.SOCKS5, ServiceType.HTTP_CONNECT), List.of(),
            ShareOffer.Auth.PEER_KEY, Limits.NONE);

    /** How a simulated provider behaves when asked. */
    enum Behaviour { ACCEPT, DECLINE, SILENT, CONTACTS_ONLY, SLOW_LINK }

    final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
    final Map<String, Behaviour> behaviour = new ConcurrentHashMap<>();
    final Map<String, List<Message>> inbox = new ConcurrentHashMap<>();
    final Set<String> online = ConcurrentHashMap.newKeySet();
    ScheduledExecutorService scheduler;
    ShareService service;

    @BeforeEach
    void start() throws Exception {
        scheduler = Executors.newScheduledThreadPool(2);
        ShareConfig config = new ShareConfig(Duration.ofSeconds(60), 400, 1000, 12, 4, 600, 100, 350, 60, 4, 5);
        service = new ShareService(config, new ProviderRegistry(), ShareMaps.open(null, config), new ShareService.Devices() {
            @Override
            public boolean isOnline(DeviceId device) {
                return online.contains(device.value());
            }

            @Override
            public boolean send(DeviceId device, Message m) {
                if (!online.contains(device.value())) {
                    return false;
                }
                inbox.computeIfAbsent(device.value(), k -> new CopyOnWriteArrayList<>()).add(m);
                // providers answer on their own threads, as over the network
                scheduler.execute(() -> react(device.value(), (Message.Share) m));
                return true;
            }

            @Override
            public String publicKey(DeviceId device) {
                return "key-of-" + device.value();
            }
        }, scheduler, clock::get);
    }

    @AfterEach
    void stop() {
        service.close();
        scheduler.shutdownNow();
    }

    private void react(String provider, Message.Share m) {
        ShareBody.AccessRequest r;
        try {
            r = (ShareBody.AccessRequest) ShareCodec.decode(m);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        ShareBody.AccessAnswer a = switch (behaviour.get(provider)) {
            case ACCEPT -> new ShareBody.AccessAnswer(r.request(), true, SOCKS, state(provider, 20_000), null);
            case SLOW_LINK -> new ShareBody.AccessAnswer(r.request(), true, SOCKS, state(provider, 300), null);
            case DECLINE -> new ShareBody.AccessAnswer(r.request(), false, null, null, "busy");
            case CONTACTS_ONLY -> new ShareBody.AccessAnswer(r.request(), false, null, null, "policy");
            case SILENT -> null;
        };
        if (a != null) {
            List<Message> reply = new CopyOnWriteArrayList<>();
            service.onMessage(new DeviceId(provider), ShareCodec.encode("a", a), reply::add);
            assertThat(reply).singleElement().isInstanceOf(Message.Ok.class);
        }
    }

    /** A link state whose RTT grows with the provider's number, so the ranking has something to order. */
    private static LinkState state(String provider, double downKbps) {
        int n = Integer.parseInt(provider.substring(provider.indexOf('-') + 1));
        return new LinkState(true, downKbps, downKbps / 4, 10 + n % 90, 0.1, false, 80, "5g");
    }

    private Message call(String device, ShareBody body) {
        List<Message> got = new CopyOnWriteArrayList<>();
        service.onMessage(new DeviceId(device), ShareCodec.encode("rid-" + device, body), got::add);
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> !got.isEmpty());
        return got.get(0);
    }

    private void provider(String id, GeoPoint at, Behaviour b, AccessPolicy policy) {
        behaviour.put(id, b);
        online.add(id);
        Message ok = call(id, new ShareBody.Announce(new Location(at, 5, LocationSource.GNSS, clock.get()), List.of(), List.of(),
                SOCKS, new LinkState(true, 20_000, 5_000, 30, 0.1, false, 80, "5g"), policy));
        assertThat(ok).isInstanceOf(Message.Ok.class);
    }

    private ShareBody.Found find(String requester, GeoPoint at, Scene scene, Conditions need, int count, int waitMs) {
        Message m = call(requester, new ShareBody.Find(new Location(at, 5, LocationSource.GNSS, clock.get()), Map.of(), scene,
                List.of(), need, count, waitMs));
        assertThat(m).as("answer to the find").isInstanceOf(Message.Share.class);
        try {
            return (ShareBody.Found) ShareCodec.decode((Message.Share) m);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void hundredsOfProvidersAreAskedAndOnlyThoseThatAcceptAndMatchComeBackBestFirst() {
        Random rnd = new Random(12);
        Behaviour[] kinds = Behaviour.values();
        Map<Behaviour, Integer> inRange = new java.util.EnumMap<>(Behaviour.class);
        int listed = 0;
        for (int i = 0; i < 360; i++) {
            String id = "p-" + i;
            // 300 within 400 m, 60 between 600 m and 2 km (outside the 500 m circle)
            double d = i < 300 ? rnd.nextDouble() * 400 : 600 + rnd.nextDouble() * 1400;
            GeoPoint at = Geodesy.destination(CENTRE, rnd.nextDouble() * 360, d);
            Behaviour b = kinds[i % kinds.length];
            AccessPolicy policy = AccessPolicy.ANYONE;
            if (i % 30 == 7) {
                policy = new AccessPolicy(AccessPolicy.Mode.LIST, Set.of("somebody-else"));
                if (i < 300) {
                    listed++;
                }
            } else if (i < 300) {
                inRange.merge(b, 1, Integer::sum);
            }
            provider(id, at, b, policy);
        }
        ShareBody.Found f = find("req", CENTRE, new Scene.Circle(500), Conditions.needing(Set.of(ServiceType.SOCKS5)), 5, 800);

        ShareBody.FindStats s = f.stats();
        assertThat(s.candidates()).isEqualTo(300);
        assertThat(s.asked()).isEqualTo(300 - listed);
        assertThat(s.accepted()).isEqualTo(inRange.get(Behaviour.ACCEPT) + inRange.get(Behaviour.SLOW_LINK));
        assertThat(s.declined()).isEqualTo(inRange.get(Behaviour.DECLINE));
        assertThat(s.timedOut()).isEqualTo(inRange.get(Behaviour.SILENT));
        assertThat(s.refusedByPolicy()).isEqualTo(listed + inRange.get(Behaviour.CONTACTS_ONLY));
        assertThat(f.providers()).hasSize(5);
        for (int i = 1; i < f.providers().size(); i++) {
            assertThat(f.providers().get(i - 1).score()).isGreaterThanOrEqualTo(f.providers().get(i).score());
        }
        for (ShareBody.Match m : f.providers()) {
            assertThat(behaviour.get(m.deviceId())).isEqualTo(Behaviour.ACCEPT); // fast links outrank the slow ones
            assertThat(m.distanceMeters() % 10).isZero();
            assertThat(m.distanceMeters()).isBetween(10L, 410L);
            assertThat(m.publicKey()).isEqualTo("key-of-" + m.deviceId());
        }
        // providers outside the circle were never asked
        for (int i = 300; i < 360; i++) {
            assertThat(inbox.get("p-" + i)).as("p-" + i).isNull();
        }
    }

    @Test
    void conditionsTheProviderStateDoesNotMeetRuleItOut() {
        for (int i = 0; i < 10; i++) {
            provider("p-" + i, Geodesy.destination(CENTRE, i * 36, 50), i % 2 == 0 ? Behaviour.ACCEPT : Behaviour.SLOW_LINK,
                    AccessPolicy.ANYONE);
        }
        Conditions fast = new Conditions(Set.of(ServiceType.SOCKS5), 1_000, 0, 0, 0, true, 0, List.of(), List.of());
        ShareBody.Found f = find("req", CENTRE, new Scene.Circle(200), fast, 16, 2000);
        assertThat(f.providers()).extracting(ShareBody.Match::deviceId).containsExactlyInAnyOrder("p-0", "p-2", "p-4", "p-6", "p-8");
        assertThat(f.stats().unmatched()).isEqualTo(5);
        // nobody offers udp: nobody is even asked
        inbox.clear();
        ShareBody.Found udp = find("req2", CENTRE, new Scene.Circle(200), Conditions.needing(Set.of(ServiceType.UDP)), 3, 500);
        assertThat(udp.providers()).isEmpty();
        assertThat(udp.stats().unmatched()).isEqualTo(10);
        assertThat(inbox).isEmpty();
    }

    @Test
    void aProviderCannotAnswerARequestSentToAnother() {
        provider("p-1", Geodesy.destination(CENTRE, 0, 20), Behaviour.SILENT, AccessPolicy.ANYONE);
        provider("p-2", Geodesy.destination(CENTRE, 90, 20), Behaviour.SILENT, AccessPolicy.ANYONE);
        List<Message> got = new CopyOnWriteArrayList<>();
        service.onMessage(new DeviceId("req"), ShareCodec.encode("f", new ShareBody.Find(new Location(CENTRE, 5, LocationSource.GNSS,
                clock.get()), Map.of(), new Scene.Circle(100), List.of(), Conditions.ANY, 3, 1500)), got::add);
        await().until(() -> inbox.containsKey("p-1") && inbox.containsKey("p-2"));
        String toP1;
        try {
            toP1 = ((ShareBody.AccessRequest) ShareCodec.decode((Message.Share) inbox.get("p-1").get(0))).request();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        Message forged = call("p-2", new ShareBody.AccessAnswer(toP1, true, SOCKS, LinkState.UNKNOWN, null));
        assertThat(forged).isInstanceOfSatisfying(Message.Error.class, e -> assertThat(e.code()).isEqualTo("not-yours"));
        assertThat(call("p-1", new ShareBody.AccessAnswer(toP1, true, SOCKS, LinkState.UNKNOWN, null))).isInstanceOf(Message.Ok.class);
        await().until(() -> !got.isEmpty());
        ShareBody.Found f;
        try {
            f = (ShareBody.Found) ShareCodec.decode((Message.Share) got.get(0));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(f.providers()).extracting(ShareBody.Match::deviceId).containsExactly("p-1");
        assertThat(f.stats().timedOut()).isEqualTo(1);
    }

    @Test
    void aRequesterCannotMapProvidersByMovingItsClaimedLocation() {
        provider("p-1", Geodesy.destination(CENTRE, 45, 120), Behaviour.ACCEPT, AccessPolicy.ANYONE);
        List<String> outcomes = new ArrayList<>();
        // a scan across the city in 1 km steps, a second apart: the first is answered, jumps are refused, and soon
        // the rate limit stops the loop
        for (int i = 0; i < 8; i++) {
            GeoPoint claimed = Geodesy.destination(CENTRE, 90, i * 1000);
            Message m = call("spy", new ShareBody.Find(new Location(claimed, 1, LocationSource.MANUAL, clock.get()), Map.of(),
                    new Scene.Circle(300), List.of(), Conditions.ANY, 3, 300));
            outcomes.add(m instanceof Message.Error e ? e.code() : "found");
            clock.addAndGet(1000);
        }
        assertThat(outcomes.get(0)).isEqualTo("found");
        assertThat(outcomes.subList(1, 4)).containsOnly("implausible-location");
        assertThat(outcomes.subList(4, 8)).containsOnly("rate-limited");
    }

    @Test
    void expiredAndOfflineProvidersAreNotFound() {
        provider("p-1", Geodesy.destination(CENTRE, 0, 30), Behaviour.ACCEPT, AccessPolicy.ANYONE);
        provider("p-2", Geodesy.destination(CENTRE, 90, 30), Behaviour.ACCEPT, AccessPolicy.ANYONE);
        provider("p-3", Geodesy.destination(CENTRE, 180, 30), Behaviour.ACCEPT, AccessPolicy.ANYONE);
        online.remove("p-2");
        service.deviceOffline(new DeviceId("p-3"));
        assertThat(find("r1", CENTRE, new Scene.Circle(100), Conditions.ANY, 5, 500).providers())
                .extracting(ShareBody.Match::deviceId).containsExactly("p-1");
        clock.addAndGet(61_000); // past the 60 s announce lifetime
        assertThat(find("r2", CENTRE, new Scene.Circle(100), Conditions.ANY, 5, 500).stats().candidates()).isZero();
    }

    @Test
    void sameNetworkFindsProvidersByNetworkIdWhateverTheirCoordinates() {
        behaviour.put("p-1", Behaviour.ACCEPT);
        online.add("p-1");
        String cell = "cell:460-00-4567-12345";
        assertThat(call("p-1", new ShareBody.Announce(null, List.of(cell), List.of(), SOCKS, LinkState.UNKNOWN, AccessPolicy.ANYONE)))
                .isInstanceOf(Message.Ok.class);
        Message m = call("req", new ShareBody.Find(null, Map.of(), new Scene.SameNetwork(), List.of(cell), Conditions.ANY, 3, 500));
        ShareBody.Found f;
        try {
            f = (ShareBody.Found) ShareCodec.decode((Message.Share) m);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(f.providers()).extracting(ShareBody.Match::deviceId).containsExactly("p-1");
        assertThat(f.providers().get(0).distanceMeters()).isEqualTo(-1);
    }

    @Test
    void serverOnlyMessagesAndGarbageGetTypedErrors() throws Exception {
        Message m = call("x", new ShareBody.Found(List.of(), new ShareBody.FindStats(0, 0, 0, 0, 0, 0, 0), null, Double.NaN));
        assertThat(m).isInstanceOfSatisfying(Message.Error.class, e -> assertThat(e.code()).isEqualTo("unexpected"));
        List<Message> got = new CopyOnWriteArrayList<>();
        service.onMessage(new DeviceId("x"), new Message.Share("r", "share-find",
                dev.peerlink.protocol.JsonBlob.parse("{\"scene\":{\"kind\":\"tunnel\"}}")), got::add);
        assertThat(got).singleElement().isInstanceOfSatisfying(Message.Error.class, e -> {
            assertThat(e.code()).isEqualTo("invalid");
            assertThat(e.message()).contains("subway-car");
        });
        Message coarse = call("y", new ShareBody.Find(new Location(CENTRE, 20_000, LocationSource.CELL, clock.get()), Map.of(),
                Scene.defaults(SceneKind.OUTDOOR), List.of(), Conditions.ANY, 3, 500));
        assertThat(coarse).isInstanceOfSatisfying(Message.Error.class, e -> assertThat(e.code()).isEqualTo("location-too-coarse"));
    }

    @Test
    void qosCellsListOnlyCellsWithEnoughDevicesAndCountReports() {
        clock.set(System.currentTimeMillis()); // the QoS map dates samples against the real clock
        GeoPoint busy = GeoPoint.of(52.5200, 13.4050), quiet = GeoPoint.of(48.8566, 2.3522);
        for (int d = 0; d < 5; d++) { // k = 5 devices: disclosed
            report("qos-dev-" + d, busy);
        }
        for (int d = 0; d < 4; d++) { // one short of k: kept back
            report("qos-other-" + d, quiet);
        }
        assertThat(service.qosReports()).isEqualTo(9);
        List<dev.peerlink.share.qos.QosPrediction> cells = service.qosCells(10);
        assertThat(cells).singleElement().satisfies(c -> {
            assertThat(c.devices()).isEqualTo(5);
            assertThat(c.rttMs()).isEqualTo(40.0);
            assertThat(com.uber.h3core.H3Core.newInstance().latLngToCellAddress(busy.lat(), busy.lon(),
                    com.uber.h3core.H3Core.newInstance().getResolution(c.cell()))).isEqualTo(c.cell());
        });
        assertThat(service.qosCells(0)).isEmpty();
    }

    private void report(String device, GeoPoint at) {
        List<Message> reply = new CopyOnWriteArrayList<>();
        ShareBody.QosPoint p = new ShareBody.QosPoint(at, clock.get(), 40, 20, 5, 0, 0, 60_000, null);
        service.onMessage(new DeviceId(device), ShareCodec.encode("q", new ShareBody.QosReport(List.of(p))), reply::add);
        assertThat(reply).singleElement().isInstanceOf(Message.Ok.class);
    }
}
