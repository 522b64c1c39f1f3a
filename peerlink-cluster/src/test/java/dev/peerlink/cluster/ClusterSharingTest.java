package dev.peerlink.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.peer.share.Offering;
import dev.peerlink.peer.share.PolicyDecider;
import dev.peerlink.peer.share.ShareClient;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.server.share.ShareConfig;
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
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Network sharing across three instances on a real Redis and PostgreSQL: a find asked on one instance reaches
 * providers connected to the others, and their answers, which arrive at their own instances, complete the find where
 * it waits (forwarded over the bus by the instance the request id names).
 */
class ClusterSharingTest extends ClusterTestBase {
    static final GeoPoint HALL = GeoPoint.of(31.2397, 121.4998, -12);
    static final LinkState GOOD = new LinkState(true, 40_000, 10_000, 25, 0, false, 90, "5g");

    @Override
    ShareConfig sharing() {
        return ShareConfig.defaults();
    }

    @Test
    void aFindOnOneInstanceGetsTheAnswersOfProvidersOnTheOthers() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        offer(1, "upstairs", Geodesy.fromEnu(HALL, new dev.peerlink.share.geo.Enu(3, 4, 5)), AccessPolicy.ANYONE, GOOD)
                .onRequest((r, d) -> asked.add("upstairs:" + d.getClass().getSimpleName()));
        offer(2, "kiosk", Geodesy.destination(HALL, 90, 30), AccessPolicy.ANYONE, GOOD)
                .onRequest((r, d) -> asked.add("kiosk:" + d.getClass().getSimpleName()));
        offer(2, "friend-only", Geodesy.destination(HALL, 180, 15), AccessPolicy.CONTACTS, GOOD)
                .onRequest((r, d) -> asked.add("friend-only:" + d.getClass().getSimpleName()));
        // every instance sees the three announces in the shared index before the find
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get(0).server().share().orElseThrow().registry().size() == 3);

        ShareClient requester = ShareClient.over(online(0, "phone"));
        ShareBody.Found found = requester.find(new ShareBody.Find(new Location(HALL, 3, LocationSource.MANUAL,
                System.currentTimeMillis()), Map.of(), Scene.defaults(SceneKind.SUBWAY_HALL), List.of(),
                Conditions.needing(Set.of(ServiceType.SOCKS5)), 3, 5000)).get(15, TimeUnit.SECONDS);

        assertThat(found.providers()).extracting(ShareBody.Match::deviceId).containsExactlyInAnyOrder("upstairs", "kiosk");
        assertThat(found.stats().timedOut()).as("answers that arrived at other instances").isZero();
        assertThat(found.stats().refusedByPolicy()).isEqualTo(1);
        assertThat(found.stats().accepted()).isEqualTo(2);
        assertThat(asked).containsExactlyInAnyOrder("upstairs:Accept", "kiosk:Accept", "friend-only:Decline");
        assertThat(found.providers()).allSatisfy(m -> assertThat(m.state().rttMs()).isEqualTo(25));
    }

    SignallingClient online(int instance, String id) throws Exception {
        SignallingClient c = SignallingClient.builder().server(URI.create(cluster.get(instance).url()))
                .identity(DeviceIdentity.ephemeral(DeviceId.of(id))).requestTimeout(Duration.ofSeconds(5)).build();
        toClose.add(c);
        c.start().get(10, TimeUnit.SECONDS);
        return c;
    }

    Offering offer(int instance, String id, GeoPoint at, AccessPolicy policy, LinkState state) throws Exception {
        ShareClient share = ShareClient.over(online(instance, id));
        ShareOffer offer = new ShareOffer(EnumSet.of(ServiceType.SOCKS5), List.of("wifi-hotspot"), null, new Limits(3, 0, 0, List.of()));
        ShareBody.Announce a = new ShareBody.Announce(new Location(at, 3, LocationSource.MANUAL, System.currentTimeMillis()),
                List.of(), List.of("subway-hall"), offer, state, policy);
        Offering o = share.offer(a, new PolicyDecider(policy, Set.of("someone")), Duration.ofSeconds(30));
        toClose.add(o);
        return o;
    }
}
