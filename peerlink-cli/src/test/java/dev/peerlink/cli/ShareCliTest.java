package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.peer.share.Offering;
import dev.peerlink.peer.share.PolicyDecider;
import dev.peerlink.peer.share.ShareClient;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.wire.AccessPolicy;
import dev.peerlink.share.wire.LinkState;
import dev.peerlink.share.wire.Limits;
import dev.peerlink.share.wire.ServiceType;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareOffer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peerlink share find|survey|qos} in-process against a real server, with SDK offerings as providers. */
class ShareCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final GeoPoint PLAZA = GeoPoint.of(52.5200, 13.4050);

    @TempDir
    Path dir;
    SignalServer server;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).dataDir(dir.resolve("srv"))
                .mappingMonitor(null).build(), List.of(), id -> Optional.empty());
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        server.close();
    }

    String addr() {
        return "127.0.0.1:" + server.address().getPort();
    }

    CliRun share(String cmd, String id, String... rest) {
        List<String> a = new ArrayList<>(List.of("share", cmd, "--id", id, "--home", dir.resolve("keys").resolve(id).toString(),
                "--server", addr()));
        a.addAll(List.of(rest));
        return CliRun.of(a.toArray(String[]::new));
    }

    void provider(String id, GeoPoint at, double downKbps) throws Exception {
        SignallingClient c = SignallingClient.builder().server(URI.create(server.url()))
                .identity(DeviceIdentity.ephemeral(DeviceId.of(id))).build();
        toClose.add(c);
        c.start().get(10, TimeUnit.SECONDS);
        ShareBody.Announce a = new ShareBody.Announce(new Location(at, 4, LocationSource.GNSS, System.currentTimeMillis()), List.of(),
                List.of(), new ShareOffer(EnumSet.of(ServiceType.SOCKS5), List.of(), null, Limits.NONE),
                new LinkState(true, downKbps, downKbps / 4, 30, 0, false, -1, "wifi"), AccessPolicy.ANYONE);
        Offering o = ShareClient.over(c).offer(a, new PolicyDecider(AccessPolicy.ANYONE, Set.of()), Duration.ofSeconds(30));
        toClose.add(o);
    }

    @Test
    void findPrintsTheMatchedProvidersBestFirstAndExitsThreeWhenNoneMatch() throws Exception {
        provider("cafe", Geodesy.destination(PLAZA, 10, 75), 50_000);
        provider("kiosk", Geodesy.destination(PLAZA, 200, 35), 2_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.share().orElseThrow().registry().size() == 2);
        String at = PLAZA.lat() + "," + PLAZA.lon();

        CliRun r = share("find", "walker", "--at", at, "--scene", "outdoor", "--need", "socks5", "--json");
        assertThat(r.exit()).as(r.out()).isZero();
        JsonNode found = JSON.readTree(r.out());
        assertThat(found.path("providers")).hasSize(2);
        assertThat(found.path("providers").get(0).path("deviceId").asText()).isEqualTo("cafe"); // faster link, ranked first
        assertThat(found.path("providers").get(0).path("distanceMeters").asLong()).isEqualTo(80);
        assertThat(found.path("providers").get(1).path("distanceMeters").asLong()).isEqualTo(40);
        assertThat(found.path("locationSource").asText()).isEqualTo("manual");

        CliRun human = share("find", "walker2", "--at", at, "--scene", "outdoor", "--radius", "50");
        assertThat(human.exit()).as(human.out()).isZero();
        assertThat(human.out()).contains("1 provider(s) matched").contains("kiosk");

        assertThat(share("find", "walker3", "--at", at, "--scene", "outdoor", "--radius", "20").exit()).isEqualTo(3);
        assertThat(share("find", "walker4", "--at", at, "--scene", "outdoor", "--need", "udp").exit()).isEqualTo(3);
    }

    @Test
    void outdoorsTheRequesterIsPlacedByItsGnssFixesFromGpsd() throws Exception {
        var unavailable = dev.peerlink.testkit.gpsd.Gpsfake.unavailable();
        if (unavailable.isPresent()) {
            System.out.println("SKIPPED (ShareCliTest gpsd): " + unavailable.get());
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(unavailable.isEmpty(), "gpsfake missing");
        // the shipped log drives north from 31.2304 N 121.4737 E: a provider 100 m north of its start
        provider("roadside", Geodesy.destination(GeoPoint.of(31.2304, 121.4737), 0, 100), 10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.share().orElseThrow().registry().size() == 1);
        Path nmea = dev.peerlink.testkit.gpsd.Gpsfake.shippedLog(dev.peerlink.testkit.gpsd.Gpsfake.DRIVE_NORTH, dir);
        try (var gps = dev.peerlink.testkit.gpsd.Gpsfake.start(nmea, dir, 0.2)) {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(gps::listening);
            // gnss, the source the outdoor scene prefers, wins over a (wrong) hand-given position
            CliRun r = share("find", "driver", "--gpsd", gps.hostPort(), "--at", "0,0", "--scene", "outdoor", "--json");
            assertThat(r.exit()).as(r.out()).isZero();
            JsonNode found = JSON.readTree(r.out());
            assertThat(found.path("locationSource").asText()).isEqualTo("gnss");
            assertThat(found.path("providers").get(0).path("deviceId").asText()).isEqualTo("roadside");
            assertThat(found.path("providers").get(0).path("distanceMeters").asLong()).isBetween(10L, 150L);
        }
    }

    @Test
    void badInputIsOneClearErrorWithExitCodeOneAndServerRefusalsExitTwo() {
        String at = PLAZA.lat() + "," + PLAZA.lon();
        assertThat(share("find", "x", "--at", at, "--scene", "tunnel").exit()).isEqualTo(1);
        assertThat(share("find", "x", "--at", "91,0", "--scene", "outdoor").exit()).isEqualTo(1);
        assertThat(share("find", "x", "--at", at, "--scene", "outdoor", "--box", "20x3x2").exit()).isEqualTo(1);
        assertThat(share("find", "x", "--scene", "outdoor").exit()).isEqualTo(1);
        assertThat(share("find", "x", "--at", at, "--accuracy", "20000", "--scene", "outdoor").exit()).isEqualTo(2);
    }

    @Test
    void surveyedScansLocateAnIndoorRequester() throws Exception {
        // a corridor 0..40 m east of the plaza, four access points along it; RSSI falls 2 dB a metre
        double[] apEast = {0, 13, 26, 40};
        for (int x = 0; x <= 40; x += 5) {
            Path scan = scan("s" + x, apEast, x);
            GeoPoint p = Geodesy.fromEnu(PLAZA, new dev.peerlink.share.geo.Enu(x, 0, 0));
            CliRun s = share("survey", "surveyor", "--at", p.lat() + "," + p.lon() + ",0", "--wifi-scan", scan.toString(), "--site", "mall");
            assertThat(s.exit()).as(s.out()).isZero();
        }
        provider("shop", Geodesy.fromEnu(PLAZA, new dev.peerlink.share.geo.Enu(22, 0, 0)), 30_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.share().orElseThrow().registry().size() == 1);

        CliRun r = share("find", "visitor", "--wifi-scan", scan("q", apEast, 20).toString(), "--scene", "indoor", "--radius", "10", "--json");
        assertThat(r.exit()).as(r.out()).isZero();
        JsonNode found = JSON.readTree(r.out());
        assertThat(found.path("locationSource").asText()).isEqualTo("wifi-fingerprint");
        assertThat(found.path("providers").get(0).path("deviceId").asText()).isEqualTo("shop");
        assertThat(found.path("providers").get(0).path("distanceMeters").asLong()).isLessThanOrEqualTo(10);
    }

    private Path scan(String name, double[] apEast, double x) throws Exception {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < apEast.length; i++) {
            int rssi = (int) Math.round(-30 - 2 * Math.abs(apEast[i] - x));
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"bssid\":\"02:00:00:00:00:%02x\",\"rssi\":%d}", i + 1, rssi));
        }
        Path f = dir.resolve(name + ".json");
        Files.writeString(f, b.append(']').toString());
        return f;
    }

    @Test
    void qosIsDisclosedOnlyOnceFiveDevicesReportedAndRoutesShowWeakSpots() throws Exception {
        Instant now = Instant.now();
        GeoPoint bad = Geodesy.destination(PLAZA, 90, 1000);
        for (int d = 1; d <= 5; d++) {
            Path samples = dir.resolve("samples-" + d + ".json");
            Files.writeString(samples, String.format(Locale.ROOT,
                    "[{\"lat\":%f,\"lon\":%f,\"time\":%d,\"rttMs\":40,\"downMbps\":30,\"upMbps\":8,\"lossPct\":0.2,\"periodMs\":60000,\"network\":\"5g\"},"
                            + "{\"lat\":%f,\"lon\":%f,\"time\":%d,\"rttMs\":900,\"downMbps\":0.3,\"upMbps\":0.1,\"lossPct\":12,\"periodMs\":60000,\"network\":\"4g\"}]",
                    PLAZA.lat(), PLAZA.lon(), now.toEpochMilli(), bad.lat(), bad.lon(), now.toEpochMilli()));
            CliRun r = share("qos", "reporter-" + d, "--report", samples.toString());
            assertThat(r.exit()).as(r.out()).isZero();
            CliRun q = share("qos", "asker", "--at", PLAZA.lat() + "," + PLAZA.lon(), "--time", now.toString(), "--json");
            JsonNode cell = JSON.readTree(q.out()).path("cells").get(0);
            assertThat(cell.path("disclosed").asBoolean()).as("after %d devices", d).isEqualTo(d >= 5);
        }
        Path route = dir.resolve("route.geojson");
        Files.writeString(route, String.format(Locale.ROOT,
                "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[%f,%f],[%f,%f]]},"
                        + "\"properties\":{\"times\":[\"%s\",\"%s\"]}}",
                PLAZA.lon(), PLAZA.lat(), bad.lon(), bad.lat(), now, now.plusSeconds(600)));
        CliRun r = share("qos", "asker", "--route", route.toString(), "--json");
        assertThat(r.exit()).as(r.out()).isZero();
        JsonNode cells = JSON.readTree(r.out()).path("cells");
        assertThat(cells.size()).isGreaterThan(3);
        assertThat(cells.get(0).path("quality").asText()).isEqualTo("good");
        assertThat(cells.get(0).path("weak").asBoolean()).isFalse();
        JsonNode last = cells.get(cells.size() - 1);
        assertThat(last.path("weak").asBoolean()).as(last.toString()).isTrue();
        assertThat(cells.get(1).path("disclosed").asBoolean()).isFalse(); // nobody reported between the two
    }
}
