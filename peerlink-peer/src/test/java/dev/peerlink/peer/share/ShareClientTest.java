package dev.peerlink.peer.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.peer.SignallingException;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
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
import dev.peerlink.share.wire.ShareOffer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sharing SDK against a real signalling server: offerings answer by policy, a requester finds them. */
class ShareClientTest {
    static final GeoPoint HALL = GeoPoint.of(31.2397, 121.4998, -12);
    final List<AutoCloseable> toClose = new ArrayList<>();
    SignalServer server;

    @BeforeEach
    void start() throws Exception {
        server = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).mappingMonitor(null)
                .build(), List.of(), id -> Optional.empty());
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        server.close();
    }

    SignallingClient online(String id) throws Exception {
        SignallingClient c = SignallingClient.builder().server(URI.create(server.url()))
                .identity(DeviceIdentity.ephemeral(DeviceId.of(id))).requestTimeout(Duration.ofSeconds(5)).build();
        toClose.add(c);
        c.start().get(10, TimeUnit.SECONDS);
        return c;
    }

    Offering offer(String id, GeoPoint at, AccessPolicy policy, Set<String> contacts, LinkState state) throws Exception {
        ShareClient share = ShareClient.over(online(id));
        ShareOffer offer = new ShareOffer(EnumSet.of(ServiceType.SOCKS5), List.of("wifi-hotspot"), null, new Limits(3, 0, 0, List.of()));
        ShareBody.Announce a = new ShareBody.Announce(new Location(at, 3, LocationSource.MANUAL, System.currentTimeMillis()),
                List.of(), List.of("subway-hall"), offer, state, policy);
        Offering o = share.offer(a, new PolicyDecider(policy, contacts), Duration.ofSeconds(30));
        toClose.add(o);
        return o;
    }

    @Test
    void aRequesterFindsTheProvidersWhoseRangeAndPolicyAdmitIt() throws Exception {
        List<String> decided = new CopyOnWriteArrayList<>();
        LinkState good = new LinkState(true, 40_000, 10_000, 25, 0, false, 90, "5g");
        offer("upstairs", Geodesy.fromEnu(HALL, new dev.peerlink.share.geo.Enu(3, 4, 5)), AccessPolicy.ANYONE, Set.of(), good)
                .onRequest((r, d) -> decided.add("upstairs:" + d.getClass().getSimpleName()));
        offer("friend-only", Geodesy.fromEnu(HALL, new dev.peerlink.share.geo.Enu(-10, 0, 0)), AccessPolicy.CONTACTS,
                Set.of("someone"), good).onRequest((r, d) -> decided.add("friend-only:" + d.getClass().getSimpleName()));
        offer("far", Geodesy.destination(HALL, 0, 400), AccessPolicy.ANYONE, Set.of(), good);
        ShareClient requester = ShareClient.over(online("phone"));
        ShareBody.Find find = new ShareBody.Find(new Location(HALL, 3, LocationSource.MANUAL, System.currentTimeMillis()), Map.of(),
                Scene.defaults(SceneKind.SUBWAY_HALL), List.of(), Conditions.needing(Set.of(ServiceType.SOCKS5)), 3, 3000);
        // the offerings' first announces race this find: wait until both near ones are in
        await().atMost(Duration.ofSeconds(10)).until(() -> server.share().orElseThrow().registry().size() == 3);

        ShareBody.Found found = requester.find(find).get(10, TimeUnit.SECONDS);

        assertThat(found.providers()).extracting(ShareBody.Match::deviceId).containsExactly("upstairs");
        ShareBody.Match m = found.providers().get(0);
        assertThat(m.distanceMeters()).isEqualTo(10); // sqrt(3²+4²+5²) = 7.07 m, rounded up to 10
        assertThat(m.offer().links()).containsExactly("wifi-hotspot");
        assertThat(m.state().rttMs()).isEqualTo(25);
        assertThat(found.stats().candidates()).isEqualTo(2);
        assertThat(found.stats().refusedByPolicy()).isEqualTo(1);
        assertThat(decided).containsExactlyInAnyOrder("upstairs:Accept", "friend-only:Decline");
        assertThat(found.locationSource()).isEqualTo("manual");
    }

    @Test
    void aClosedOfferingIsNoLongerFoundAndErrorsComeBackTyped() throws Exception {
        Offering o = offer("p", Geodesy.destination(HALL, 90, 20), AccessPolicy.ANYONE, Set.of(), LinkState.UNKNOWN);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.share().orElseThrow().registry().size() == 1);
        o.close();
        assertThat(server.share().orElseThrow().registry().size()).isZero();
        ShareClient requester = ShareClient.over(online("phone"));
        ShareBody.Found none = requester.find(new ShareBody.Find(new Location(HALL, 3, LocationSource.MANUAL, System.currentTimeMillis()),
                Map.of(), new Scene.Circle(100), List.of(), Conditions.ANY, 3, 500)).get(10, TimeUnit.SECONDS);
        assertThat(none.providers()).isEmpty();
        assertThatThrownBy(() -> requester.find(new ShareBody.Find(new Location(HALL, 5_000, LocationSource.CELL,
                System.currentTimeMillis()), Map.of(), new Scene.Circle(100), List.of(), Conditions.ANY, 3, 500)).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOfSatisfying(SignallingException.class,
                        e -> assertThat(e.code()).isEqualTo("location-too-coarse"));
    }
}
