package dev.peerlink.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.server.PeerlinkServer;
import dev.peerlink.server.PeerlinkServerConfig;
import dev.peerlink.server.share.ShareConfig;
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
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.client.RetransmissionPolicy;
import dev.peerlink.stun.client.StunUdpClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.logging.LogEntry;

/**
 * The dashboard in headless Chromium against a real server: a scripted scenario (devices behind several NAT types, a
 * brokered connection accepted and one refused, STUN requests, sharing providers, QoS reports from enough devices to
 * disclose a cell, a find), then the page's tiles must show what {@code /api/summary} says, the map must draw the cells
 * and providers {@code /api/qos} lists, and the console must stay free of errors.
 */
class DashboardBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GeoPoint PARIS = GeoPoint.of(48.8566, 2.3522, 35);
    private static final ShareOffer SOCKS = new ShareOffer(EnumSet.of(ServiceType.SOCKS5), List.of(), ShareOffer.Auth.PEER_KEY,
            Limits.NONE);
    private static final int STUN_REQUESTS = 7;

    /** Tile element id → where its figure is in the summary. */
    private static final Map<String, String> TILES = Map.ofEntries(
            Map.entry("tile-devices-online", "/devices/online"), Map.entry("tile-devices-registered", "/devices/registered"),
            Map.entry("tile-stun-requests", "/stun/requests"),
            Map.entry("tile-connects-requested", "/connects/requested"), Map.entry("tile-connects-accepted", "/connects/accepted"),
            Map.entry("tile-connects-rejected", "/connects/rejected"), Map.entry("tile-connects-failed", "/connects/failed"),
            Map.entry("tile-relay-share", "/relay/share"), Map.entry("tile-relay-allocations", "/relay/allocations"),
            Map.entry("tile-relay-bytes", "/relay/bytes"), Map.entry("tile-setup-count", "/setupMs/count"),
            Map.entry("tile-mappings-monitored", "/mappings/monitored"), Map.entry("tile-mappings-healthy", "/mappings/healthy"),
            Map.entry("tile-mappings-broken", "/mappings/broken"), Map.entry("tile-mappings-repaired", "/mappings/repaired"),
            Map.entry("tile-dedup-ratio", "/transfer/dedupRatio"), Map.entry("tile-transfer-offers", "/transfer/offers"),
            Map.entry("tile-bytes-saved", "/transfer/bytesSaved"), Map.entry("tile-hits-private", "/transfer/hits/private"),
            Map.entry("tile-hits-central", "/transfer/hits/central"),
            Map.entry("tile-sharing-providers", "/sharing/providers"), Map.entry("tile-sharing-finds", "/sharing/finds"),
            Map.entry("tile-sharing-qos-reports", "/sharing/qosReports"));

    private final List<DashboardDevice> devices = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private PeerlinkServer server;

    @AfterEach
    void stop() {
        devices.forEach(DashboardDevice::close);
        if (server != null) {
            server.close();
        }
        // not close(): it waits for every WebSocket's closing handshake, which a stopped server never answers
        http.shutdownNow();
    }

    @Test
    void tilesShowTheServersFiguresAndTheMapDrawsTheQosCells(@TempDir Path dir) throws Exception {
        String missing = DashboardBrowser.missing();
        if (missing != null) {
            System.out.println("DashboardBrowserTest skipped: missing " + missing);
        }
        Assumptions.assumeTrue(missing == null, () -> "missing " + missing);

        server = PeerlinkServer.start(new PeerlinkServerConfig(new InetSocketAddress("127.0.0.1", 0), Optional.empty(),
                Optional.empty(), Optional.of(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                        .dataDir(dir).mappingMonitor(null).share(ShareConfig.defaults()).build()), Optional.empty())
                .withAdmin(AdminConfig.loopback(0)).withDataDir(dir));
        String admin = "http://127.0.0.1:" + server.admin().orElseThrow().getPort();
        scenario(server.signal().orElseThrow().url());

        // the figures settle once the scenario's messages are handled; the page is compared against them
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode s = get(admin + "/api/summary");
            return s.at("/devices/online").asLong() == 8 && s.at("/connects/accepted").asLong() == 1
                    && s.at("/connects/rejected").asLong() == 1 && s.at("/sharing/finds").asLong() == 1
                    && s.at("/stun/requests").asLong() >= STUN_REQUESTS && s.at("/paths/direct").asLong() == 1;
        });
        JsonNode summary = get(admin + "/api/summary");
        JsonNode qos = get(admin + "/api/qos");
        long cells = count(qos, "Polygon");
        long providers = count(qos, "Point");
        assertThat(summary.at("/sharing/providers").asLong()).isEqualTo(3);
        assertThat(providers).as("providers on the map").isEqualTo(3);
        assertThat(cells).as("QoS cells disclosed (5 devices reported in one cell)").isGreaterThanOrEqualTo(1);

        try (DashboardBrowser browser = DashboardBrowser.start()) {
            browser.driver().get(admin + "/");
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                for (var tile : TILES.entrySet()) {
                    Object shown = browser.js("const e = document.getElementById(arguments[0]); return e && e.dataset.value;",
                            tile.getKey());
                    assertThat(shown).as(tile.getKey()).isNotNull();
                    assertThat(Double.parseDouble((String) shown)).as(tile.getKey())
                            .isEqualTo(summary.at(tile.getValue()).asDouble());
                }
            });
            assertThat(browser.js("return document.getElementById('tile-devices-online').textContent")).isEqualTo("8");
            assertThat(browser.js("return document.getElementById('tile-connects-accepted').textContent")).isEqualTo("1");
            summary.at("/nat").properties().forEach(e -> {
                Object bar = browser.js("const b = document.querySelector('#chart-nat rect[data-label=\"' + arguments[0] + '\"]');"
                        + " return b ? Number(b.dataset.value) : 0;", e.getKey());
                assertThat(((Number) bar).longValue()).as("NAT bar " + e.getKey()).isEqualTo(e.getValue().asLong());
            });
            Object direct = browser.js("const b = document.querySelector('#chart-paths rect[data-label=\"direct\"]');"
                    + " return b ? Number(b.dataset.value) : 0;");
            assertThat(((Number) direct).longValue()).as("the direct path's bar").isEqualTo(1);
            assertThat(summary.at("/setupMs/count").asLong()).isEqualTo(1);
            assertThat(browser.js("return window.peerlinkDashboard.transport")).as("summaries over SSE").isEqualTo("sse");

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() ->
                    ((Number) browser.js("return document.querySelectorAll('#map .leaflet-overlay-pane path.qos-cell').length"))
                            .longValue() == cells);
            assertThat(browser.js("return window.peerlinkDashboard.map.renderer")).as("Leaflet from its WebJar").isEqualTo("leaflet");
            assertThat(((Number) browser.js("return document.querySelectorAll('#map path.provider').length")).longValue())
                    .isEqualTo(providers);
            // the base-map probe has decided (no tile server on a machine without internet: plain background)
            await().atMost(Duration.ofSeconds(10)).until(() -> !"probing".equals(browser.js("return window.peerlinkDashboard.map.baseMap")));

            Path shot = browser.screenshot(Path.of("target", "dashboard.png"));
            List<LogEntry> severe = browser.console().stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                    .toList();
            assertThat(severe).as("console errors (screenshot %s)", shot.toAbsolutePath()).isEmpty();
        }
    }

    /** Eight devices; two connections brokered (one accepted, one refused); STUN; three providers; QoS reports; a find. */
    private void scenario(String url) throws Exception {
        String[] nats = {"full-cone", "full-cone", "restricted-cone", "port-restricted-cone", "port-restricted-cone",
            "symmetric", "open-internet", null};
        for (int i = 0; i < nats.length; i++) {
            NetworkInfo network = nats[i] == null ? NetworkInfo.EMPTY : DashboardDevice.behind(nats[i]);
            devices.add(DashboardDevice.register(http, url, "dash-" + i, network));
        }
        DashboardDevice a = devices.get(0), b = devices.get(1), c = devices.get(2), d = devices.get(3);
        a.connect(b, "session-accepted");
        b.answerIncoming(true);
        a.next(Message.Answered.class);
        // the initiator reports how its ladder ended (issue 17: paths and setup times as devices report them)
        a.send(new Message.LadderReport(a.rid(), "session-accepted", Message.LadderReport.CONNECTED, "direct", 180, null));
        a.next(Message.Ok.class);
        c.connect(d, "session-refused");
        d.answerIncoming(false);
        c.next(Message.Answered.class);

        try (StunUdpClient stun = StunUdpClient.bind(new InetSocketAddress("127.0.0.1", 0), RetransmissionPolicy.RFC_8489)) {
            InetSocketAddress to = server.stun().udpAddresses().get(0);
            for (int i = 0; i < STUN_REQUESTS; i++) {
                stun.send(StunMessage.request(StunMethod.BINDING).build(), to).get(5, TimeUnit.SECONDS);
            }
        }

        long now = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            GeoPoint at = Geodesy.destination(PARIS, i * 120, 300);
            assertThat(devices.get(5 + i).share(new ShareBody.Announce(new Location(at, 10, LocationSource.GNSS, now), List.of(),
                    List.of(), SOCKS, new LinkState(true, 20_000, 5_000, 30, 0.1, false, 80, "5g"), AccessPolicy.ANYONE)))
                    .isInstanceOf(Message.Ok.class);
        }
        // k-anonymity: a cell is disclosed once five distinct devices reported in it
        for (int i = 0; i < 5; i++) {
            double rtt = 30 + 20 * i;
            ShareBody.QosPoint sample = new ShareBody.QosPoint(PARIS, now - 60_000, rtt, 40, 10,
                    0.5, 0, 60_000, "5g");
            assertThat(devices.get(i).share(new ShareBody.QosReport(List.of(sample)))).isInstanceOf(Message.Ok.class);
        }
        Message found = devices.get(4).share(new ShareBody.Find(new Location(PARIS, 10, LocationSource.GNSS, now), Map.of(),
                new Scene.Circle(1000), List.of(), Conditions.needing(Set.of(ServiceType.SOCKS5)), 3, 300));
        assertThat(found).as("the find's answer").isInstanceOf(Message.Share.class);
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static long count(JsonNode featureCollection, String geometry) {
        long n = 0;
        for (JsonNode f : featureCollection.path("features")) {
            if (geometry.equals(f.at("/geometry/type").asText())) {
                n++;
            }
        }
        return n;
    }
}
