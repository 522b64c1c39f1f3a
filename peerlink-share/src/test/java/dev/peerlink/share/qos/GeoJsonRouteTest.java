package dev.peerlink.share.qos;

import static dev.peerlink.share.qos.QosTestSupport.MONDAY_0800;
import static dev.peerlink.share.qos.QosTestSupport.SALT;
import static dev.peerlink.share.qos.QosTestSupport.config;
import static dev.peerlink.share.qos.QosTestSupport.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.qos.QosTestSupport.TestClock;
import dev.peerlink.share.qos.internal.Geodesy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeoJsonRouteTest {
    private static final String LINE = "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[13.40,52.52],[13.41,52.52,34.5],[13.42,52.53]]}";

    private static String feature(String properties) {
        return "{\"type\":\"Feature\"," + LINE + ",\"properties\":" + properties + "}";
    }

    @Test
    void readsAFeatureWithTimes() {
        Route r = GeoJsonRoute.parse(feature(
                "{\"times\":[\"2025-03-03T08:00:00Z\",\"2025-03-03T10:01:00+02:00\",\"2025-03-03T08:02:00.5Z\"]}"));
        assertThat(r.waypoints()).hasSize(3);
        assertThat(r.waypoints().get(0).point()).isEqualTo(GeoPoint.of(52.52, 13.40));
        assertThat(r.waypoints().get(1).point()).isEqualTo(GeoPoint.of(52.52, 13.41, 34.5));
        assertThat(r.waypoints().get(1).time()).isEqualTo(Instant.parse("2025-03-03T08:01:00Z"));
        assertThat(r.end()).isEqualTo(Instant.parse("2025-03-03T08:02:00.500Z"));
    }

    @Test
    void readsCoordTimesFromAFeatureCollectionAsGpxConvertersWriteIt() {
        String json = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\","
                + "\"coordinates\":[1,2]},\"properties\":{}}," + feature("{\"coordTimes\":[\"2025-03-03T08:00:00Z\","
                + "\"2025-03-03T08:00:00Z\",\"2025-03-03T08:05:00Z\"]}") + "]}";
        Route r = GeoJsonRoute.parse(json);
        assertThat(r.waypoints()).extracting(Route.Waypoint::time).containsExactly(MONDAY_0800, MONDAY_0800,
                MONDAY_0800.plusSeconds(300));
    }

    @Test
    void computesTimesFromStartAndSpeed() {
        Route r = GeoJsonRoute.parse(feature("{\"start\":\"2025-03-03T08:00:00Z\",\"speedMps\":12.5}"));
        GeoPoint a = GeoPoint.of(52.52, 13.40), b = GeoPoint.of(52.52, 13.41), c = GeoPoint.of(52.53, 13.42);
        double toB = Geodesy.distanceMeters(a, b), toC = toB + Geodesy.distanceMeters(b, c);
        assertThat(toB).isCloseTo(678, within(5.0)); // 0.01° of longitude at 52.5° N
        assertThat(r.start()).isEqualTo(MONDAY_0800);
        assertThat(r.waypoints().get(1).time().toEpochMilli() - MONDAY_0800.toEpochMilli()).isCloseTo(Math.round(toB / 12.5 * 1000), within(1L));
        assertThat(r.end().toEpochMilli() - MONDAY_0800.toEpochMilli()).isCloseTo(Math.round(toC / 12.5 * 1000), within(1L));
    }

    @Test
    void readsABareLineStringWithForeignProperties() {
        Route r = GeoJsonRoute.parse("{\"type\":\"LineString\",\"coordinates\":[[0,0],[0,0.001]],"
                + "\"properties\":{\"start\":\"2025-03-03T08:00:00Z\",\"speedMps\":1}}");
        assertThat(r.waypoints()).hasSize(2);
        assertThatThrownBy(() -> GeoJsonRoute.parse("{\"type\":\"LineString\",\"coordinates\":[[0,0],[0,0.001]]}"))
                .isInstanceOf(GeoJsonRouteException.class).hasMessageContaining("no times");
    }

    @Test
    void rejectsMalformedRoutesWithClearMessages() {
        String t3 = "{\"times\":[\"2025-03-03T08:00:00Z\",\"2025-03-03T08:01:00Z\",\"2025-03-03T08:02:00Z\"]}";
        assertRejected("{\"type\":", "not valid JSON");
        assertRejected("[1,2]", "must be an object");
        assertRejected("{\"type\":\"Feature\",\"type\":\"Feature\"}", "not valid JSON"); // duplicate key
        assertRejected("{\"type\":\"Feature\",\"properties\":{}}", "no geometry");
        assertRejected("{\"type\":\"Point\",\"coordinates\":[1,2]}", "unsupported geometry type Point");
        assertRejected("{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2]]},\"properties\":" + t3 + "}",
                "2..10000 positions");
        assertRejected("{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2],[1]]},\"properties\":" + t3 + "}",
                "position 1");
        assertRejected("{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2],[1,\"2\"]]},\"properties\":"
                + t3 + "}", "finite numbers");
        assertRejected("{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2],[1,91]]},\"properties\":"
                + t3 + "}", "latitude");
        assertRejected("{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2],[1,1e999]]}}", "finite");
        assertRejected(feature("{\"times\":[\"2025-03-03T08:00:00Z\"]}"), "array of 3");
        assertRejected(feature("{\"times\":[\"2025-03-03T08:00:00Z\",\"2025-03-03T07:00:00Z\",\"2025-03-03T09:00:00Z\"]}"),
                "must not decrease");
        assertRejected(feature("{\"times\":[\"2025-03-03T08:00:00\",\"2025-03-03T08:01:00Z\",\"2025-03-03T08:02:00Z\"]}"),
                "with offset");
        assertRejected(feature("{\"times\":[1741000000000,2,3]}"), "ISO-8601 date-time string");
        assertRejected(feature("{}"), "no times");
        assertRejected(feature("{\"start\":\"2025-03-03T08:00:00Z\"}"), "go together");
        assertRejected(feature("{\"start\":\"2025-03-03T08:00:00Z\",\"speedMps\":0}"), "speedMps");
        assertRejected(feature("{\"start\":\"2025-03-03T08:00:00Z\",\"speedMps\":\"fast\"}"), "speedMps");
        assertRejected(feature("[]"), "properties must be an object");
        assertRejected("{\"type\":\"FeatureCollection\",\"features\":[" + feature(t3) + "," + feature(t3) + "]}",
                "exactly one LineString feature, found 2");
        assertRejected("", "no GeoJSON");
    }

    private static void assertRejected(String json, String message) {
        assertThatThrownBy(() -> GeoJsonRoute.parse(json)).as(json)
                .isInstanceOf(GeoJsonRouteException.class).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void enforcesTheCoordinateAndSizeLimits() {
        StringBuilder many = new StringBuilder("{\"type\":\"LineString\",\"coordinates\":[");
        for (int i = 0; i <= GeoJsonRoute.MAX_COORDINATES; i++) {
            many.append(i == 0 ? "" : ",").append("[0,0]");
        }
        many.append("],\"properties\":{\"start\":\"2025-03-03T08:00:00Z\",\"speedMps\":1}}");
        assertThatThrownBy(() -> GeoJsonRoute.parse(many.toString())).hasMessageContaining("2..10000 positions, got 10001");

        byte[] huge = new byte[GeoJsonRoute.MAX_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertThatThrownBy(() -> GeoJsonRoute.parse(huge)).hasMessageContaining("at most " + GeoJsonRoute.MAX_BYTES);
    }

    @Test
    void readsFilesAndRefusesOversizedOnes(@TempDir Path dir) throws Exception {
        Path ok = Files.writeString(dir.resolve("route.geojson"), feature("{\"start\":\"2025-03-03T08:00:00Z\",\"speedMps\":5}"));
        assertThat(GeoJsonRoute.read(ok).waypoints()).hasSize(3);
        Path big = dir.resolve("big.geojson");
        Files.write(big, new byte[GeoJsonRoute.MAX_BYTES + 10]);
        assertThatThrownBy(() -> GeoJsonRoute.read(big)).isInstanceOf(GeoJsonRouteException.class).hasMessageContaining("larger than");
    }

    @Test
    void writesTheReportAsHexagonPolygonsWithQualityProperties() throws Exception {
        TestClock clock = new TestClock(MONDAY_0800.plus(Duration.ofHours(1)));
        QosMap map = new QosMap(config(), new InMemoryQosStore(), SALT, clock);
        Random random = new Random(11);
        for (int d = 0; d < 5; d++) { // the start cell: lossy, RTT unknown
            map.ingest(sample("d" + d, GeoPoint.of(52.52, 13.40), MONDAY_0800, Double.NaN, 5 + random.nextDouble(), 1, 20));
        }
        Route route = GeoJsonRoute.parse(feature("{\"start\":\"2025-03-03T08:10:00Z\",\"speedMps\":10}"));
        RouteReport report = map.route(route);
        JsonNode out = new ObjectMapper().readTree(GeoJsonRoute.toGeoJson(report).getBytes(StandardCharsets.UTF_8));

        assertThat(out.get("type").asText()).isEqualTo("FeatureCollection");
        assertThat(out.get("features")).hasSize(report.cells().size());
        JsonNode first = out.get("features").get(0);
        assertThat(first.at("/geometry/type").asText()).isEqualTo("Polygon");
        JsonNode ring = first.at("/geometry/coordinates/0");
        assertThat(ring).hasSize(7); // hexagon, closed
        assertThat(ring.get(0)).isEqualTo(ring.get(6));
        double twiceArea = 0;
        for (int i = 0; i < 6; i++) {
            twiceArea += ring.get(i).get(0).asDouble() * ring.get(i + 1).get(1).asDouble()
                    - ring.get(i + 1).get(0).asDouble() * ring.get(i).get(1).asDouble();
        }
        assertThat(twiceArea).as("counter-clockwise exterior ring").isPositive();
        JsonNode props = first.get("properties");
        assertThat(props.get("cell").asText()).isEqualTo(report.cells().getFirst().cell());
        assertThat(props.get("enter").asText()).isEqualTo("2025-03-03T08:10:00Z");
        assertThat(props.get("weak").asBoolean()).isTrue();
        assertThat(props.get("quality").asText()).isEqualTo(report.cells().getFirst().quality());
        assertThat(props.get("rttMs").isNull()).isTrue(); // NaN is not JSON
        assertThat(props.get("score").asDouble()).isBetween(0.0, 1.0);
        assertThat(out.get("features").get(1).at("/properties/quality").asText()).isEqualTo("unknown");
        assertThat(out.get("weakSpots")).hasSize(report.weakSpots().size()).isNotEmpty();
    }
}
