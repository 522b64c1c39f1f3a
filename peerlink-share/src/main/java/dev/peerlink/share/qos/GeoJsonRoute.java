package dev.peerlink.share.qos;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.qos.internal.Geodesy;
import dev.peerlink.share.qos.internal.RouteReportGeoJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes from GeoJSON (RFC 7946) and route reports back to GeoJSON.
 *
 * <p>Input: a {@code Feature} with a {@code LineString} geometry, a {@code FeatureCollection} holding exactly one
 * such feature (as GPX converters write), or a bare {@code LineString} (its times then in a foreign member
 * {@code properties}). Positions are {@code [lon, lat]} or {@code [lon, lat, alt]}. Times come from
 * {@code properties.times} or else {@code properties.coordTimes}: ISO-8601 date-times with an offset, one per
 * position, non-decreasing; without them, from {@code properties.start} (ISO-8601) and
 * {@code properties.speedMps}, travelling the line at that constant speed. At most {@value #MAX_COORDINATES}
 * positions and {@value #MAX_BYTES} bytes.
 */
public final class GeoJsonRoute {
    public static final int MAX_COORDINATES = Route.MAX_WAYPOINTS;
    public static final int MAX_BYTES = 4 * 1024 * 1024;
    /** Faster than an airliner is not a route a requester travels. */
    public static final double MAX_SPEED_MPS = 1_000;

    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxNumberLength(64).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private GeoJsonRoute() {}

    /** @throws GeoJsonRouteException naming what is wrong */
    public static Route parse(String json) {
        if (json == null) {
            throw new GeoJsonRouteException("no GeoJSON given");
        }
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws GeoJsonRouteException naming what is wrong */
    public static Route parse(byte[] json) {
        if (json == null || json.length == 0) {
            throw new GeoJsonRouteException("no GeoJSON given");
        }
        if (json.length > MAX_BYTES) {
            throw new GeoJsonRouteException("GeoJSON route is " + json.length + " bytes; at most " + MAX_BYTES + " allowed");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) { // JacksonException included
            throw new GeoJsonRouteException("not valid JSON: " + firstLine(e), e);
        }
        return fromTree(root);
    }

    /**
     * Reads a GeoJSON route file.
     *
     * @throws IOException when the file cannot be read
     * @throws GeoJsonRouteException when it is not a usable route (or larger than {@value #MAX_BYTES} bytes)
     */
    public static Route read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1); // bounded even if the file grows meanwhile
            if (bytes.length > MAX_BYTES) {
                throw new GeoJsonRouteException("GeoJSON route file " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            return parse(bytes);
        }
    }

    /** A FeatureCollection of the cells' hexagons with quality, score, weak flag and times; see {@link RouteReportGeoJson}. */
    public static String toGeoJson(RouteReport report) {
        return RouteReportGeoJson.write(report);
    }

    private static Route fromTree(JsonNode root) {
        if (!root.isObject()) {
            throw new GeoJsonRouteException("GeoJSON must be an object, got " + root.getNodeType());
        }
        String type = text(root, "type", "GeoJSON");
        JsonNode geometry;
        JsonNode properties;
        switch (type) {
            case "Feature" -> {
                geometry = root.get("geometry");
                properties = root.get("properties");
            }
            case "FeatureCollection" -> {
                JsonNode feature = singleLineFeature(root.get("features"));
                geometry = feature.get("geometry");
                properties = feature.get("properties");
            }
            default -> {
                geometry = root;
                properties = root.get("properties");
            }
        }
        if (geometry == null || !geometry.isObject()) {
            throw new GeoJsonRouteException("the feature has no geometry object");
        }
        String geometryType = text(geometry, "type", "geometry");
        if (!geometryType.equals("LineString")) {
            throw new GeoJsonRouteException("unsupported geometry type " + geometryType + "; a route is a LineString");
        }
        if (properties != null && !properties.isNull() && !properties.isObject()) {
            throw new GeoJsonRouteException("properties must be an object");
        }
        List<GeoPoint> points = coordinates(geometry.get("coordinates"));
        List<Instant> times = times(properties, points);
        List<Route.Waypoint> waypoints = new ArrayList<>(points.size());
        for (int i = 0; i < points.size(); i++) {
            waypoints.add(new Route.Waypoint(points.get(i), times.get(i)));
        }
        return new Route(waypoints);
    }

    private static JsonNode singleLineFeature(JsonNode features) {
        if (features == null || !features.isArray()) {
            throw new GeoJsonRouteException("FeatureCollection needs a features array");
        }
        JsonNode found = null;
        int count = 0;
        for (JsonNode f : features) {
            JsonNode g = f.isObject() ? f.get("geometry") : null;
            if (g != null && g.isObject() && "LineString".equals(g.path("type").asText(null))) {
                found = f;
                count++;
            }
        }
        if (count != 1) {
            throw new GeoJsonRouteException("FeatureCollection must hold exactly one LineString feature, found " + count);
        }
        return found;
    }

    private static List<GeoPoint> coordinates(JsonNode coords) {
        if (coords == null || !coords.isArray()) {
            throw new GeoJsonRouteException("LineString needs a coordinates array");
        }
        if (coords.size() < 2 || coords.size() > MAX_COORDINATES) {
            throw new GeoJsonRouteException("LineString needs 2.." + MAX_COORDINATES + " positions, got " + coords.size());
        }
        List<GeoPoint> points = new ArrayList<>(coords.size());
        for (int i = 0; i < coords.size(); i++) {
            JsonNode p = coords.get(i);
            if (!p.isArray() || p.size() < 2 || p.size() > 3) {
                throw new GeoJsonRouteException("position " + i + " must be [lon, lat] or [lon, lat, alt]");
            }
            double[] v = new double[3];
            v[2] = Double.NaN;
            for (int j = 0; j < p.size(); j++) {
                if (!p.get(j).isNumber() || !Double.isFinite(p.get(j).asDouble())) {
                    throw new GeoJsonRouteException("position " + i + " must hold finite numbers, got " + p);
                }
                v[j] = p.get(j).asDouble();
            }
            try {
                points.add(new GeoPoint(v[1], v[0], v[2]));
            } catch (IllegalArgumentException e) {
                throw new GeoJsonRouteException("position " + i + ": " + e.getMessage(), e);
            }
        }
        return points;
    }

    private static List<Instant> times(JsonNode properties, List<GeoPoint> points) {
        JsonNode props = properties == null || properties.isNull() ? JSON.createObjectNode() : properties;
        String key = props.has("times") ? "times" : props.has("coordTimes") ? "coordTimes" : null;
        if (key != null) {
            return listedTimes(props.get(key), key, points.size());
        }
        if (props.has("start") || props.has("speedMps")) {
            return timesAtSpeed(props, points);
        }
        throw new GeoJsonRouteException("route has no times: give properties.times or properties.coordTimes (ISO-8601, "
                + "one per position), or properties.start (ISO-8601) and properties.speedMps");
    }

    private static List<Instant> listedTimes(JsonNode array, String key, int count) {
        if (!array.isArray() || array.size() != count) {
            throw new GeoJsonRouteException("properties." + key + " must be an array of " + count
                    + " ISO-8601 times, one per position" + (array.isArray() ? ", got " + array.size() : ""));
        }
        List<Instant> times = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Instant t = instant(array.get(i), key + "[" + i + "]");
            if (i > 0 && t.isBefore(times.get(i - 1))) {
                throw new GeoJsonRouteException("properties." + key + " must not decrease: [" + i + "] " + t
                        + " is before " + times.get(i - 1));
            }
            times.add(t);
        }
        return times;
    }

    private static List<Instant> timesAtSpeed(JsonNode props, List<GeoPoint> points) {
        if (!props.has("start") || !props.has("speedMps")) {
            throw new GeoJsonRouteException("properties.start and properties.speedMps go together");
        }
        Instant start = instant(props.get("start"), "start");
        JsonNode speedNode = props.get("speedMps");
        double speed = speedNode.isNumber() ? speedNode.asDouble() : Double.NaN;
        if (!(speed > 0 && speed <= MAX_SPEED_MPS)) {
            throw new GeoJsonRouteException("properties.speedMps must be a number in (0, " + MAX_SPEED_MPS + "], got " + speedNode);
        }
        List<Instant> times = new ArrayList<>(points.size());
        double meters = 0;
        times.add(start);
        for (int i = 1; i < points.size(); i++) {
            meters += Geodesy.distanceMeters(points.get(i - 1), points.get(i));
            times.add(start.plusMillis(Math.round(meters / speed * 1000)));
        }
        return times;
    }

    private static Instant instant(JsonNode node, String what) {
        if (node == null || !node.isTextual() || node.asText().length() > 64) {
            throw new GeoJsonRouteException("properties." + what + " must be an ISO-8601 date-time string, got " + node);
        }
        try {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(node.asText(), OffsetDateTime::from).toInstant();
        } catch (DateTimeParseException e) {
            throw new GeoJsonRouteException("properties." + what + " is not an ISO-8601 date-time with offset (e.g. "
                    + "2025-03-01T08:00:00Z): '" + node.asText() + "'", e);
        }
    }

    private static String text(JsonNode node, String field, String what) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new GeoJsonRouteException(what + " needs a string \"" + field + "\" member");
        }
        return v.asText();
    }

    private static String firstLine(Exception e) {
        String m = e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
