package dev.peerlink.peer.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.scene.Scene;
import dev.peerlink.share.wire.AccessPolicy;
import dev.peerlink.share.wire.Conditions;
import dev.peerlink.share.wire.LinkState;
import dev.peerlink.share.wire.Limits;
import dev.peerlink.share.wire.ServiceType;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareOffer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A sharing provider whose server dies announces its offer again at the server it moved to, where it is found. */
class OfferingFailoverTest {
    static final GeoPoint HALL = GeoPoint.of(31.2397, 121.4998, -12);
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    SignalServer server(int port) throws Exception {
        SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", port))
                .mappingMonitor(null).build(), List.of(), id -> Optional.empty());
        toClose.add(s);
        return s;
    }

    SignallingClient online(String id, List<URI> servers) throws Exception {
        SignallingClient c = SignallingClient.builder().servers(servers).identity(DeviceIdentity.ephemeral(DeviceId.of(id)))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).requestTimeout(Duration.ofSeconds(5)).build();
        toClose.add(c);
        c.start().get(10, TimeUnit.SECONDS);
        return c;
    }

    @Test
    void theOfferIsAnnouncedAgainAtTheNewServer() throws Exception {
        SignalServer a = server(0);
        int bPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            bPort = s.getLocalPort(); // B starts later: the provider registers at A
        }
        URI urlB = URI.create("ws://127.0.0.1:" + bPort + "/v1/signal");
        SignallingClient provider = online("provider", List.of(URI.create(a.url()), urlB));
        ShareOffer offer = new ShareOffer(EnumSet.of(ServiceType.SOCKS5), List.of("wifi-hotspot"), null, new Limits(3, 0, 0, List.of()));
        ShareBody.Announce announce = new ShareBody.Announce(new Location(Geodesy.destination(HALL, 90, 5), 3, LocationSource.MANUAL,
                System.currentTimeMillis()), List.of(), List.of("subway-hall"), offer, LinkState.UNKNOWN, AccessPolicy.ANYONE);
        Offering o = ShareClient.over(provider).offer(announce, new PolicyDecider(AccessPolicy.ANYONE, Set.of()), Duration.ofMinutes(5));
        toClose.add(o);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.share().orElseThrow().registry().size() == 1);

        SignalServer b = server(bPort);
        a.close();
        // the refresh is 5 minutes away: only the re-registration's announce can put it there
        await().atMost(Duration.ofSeconds(10)).until(() -> b.share().orElseThrow().registry().size() == 1);
        ShareClient requester = ShareClient.over(online("phone", List.of(urlB)));
        ShareBody.Found found = requester.find(new ShareBody.Find(new Location(HALL, 3, LocationSource.MANUAL, System.currentTimeMillis()),
                Map.of(), new Scene.Circle(100), List.of(), Conditions.ANY, 3, 500)).get(10, TimeUnit.SECONDS);
        assertThat(found.providers()).extracting(ShareBody.Match::deviceId).containsExactly("provider");
    }
}
