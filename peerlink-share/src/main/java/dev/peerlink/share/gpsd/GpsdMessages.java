package dev.peerlink.share.gpsd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.geo.GeoPoint;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Pure decoding of gpsd's JSON protocol lines (one object per line), kept apart from the socket so
 * it can be tested without a daemon. Only {@code TPV} reports with a 2D or 3D fix become locations;
 * every other class is ignored.
 */
public final class GpsdMessages {
    /** gpsd's own objects are well under 1 KiB; anything this long is not gpsd talking. */
    public static final int MAX_LINE_CHARS = 64 * 1024;
    /** Used when gpsd reports no error estimate (NMEA without GST, for instance). */
    public static final double DEFAULT_ACCURACY_METERS = 10;
    /** An error estimate below this is optimism, not precision. */
    public static final double MIN_ACCURACY_METERS = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private GpsdMessages() {}

    /** {@link #parseLine(String, long)} with the current time for reports without a {@code time}. */
    public static Optional<Location> parseLine(String line) throws GpsdProtocolException {
        return parseLine(line, System.currentTimeMillis());
    }

    /**
     * Decodes one line. Empty for classes other than TPV and for TPV without a fix (mode 0 or 1).
     *
     * @param nowMillis the time given to a fix whose report has no {@code time} field
     * @throws GpsdProtocolException for an oversized line, malformed JSON, or a fix with a missing or
     *         out-of-range coordinate, altitude or time
     */
    public static Optional<Location> parseLine(String line, long nowMillis) throws GpsdProtocolException {
        JsonNode node = parseObject(line);
        if (!"TPV".equals(node.path("class").asText())) {
            return Optional.empty();
        }
        JsonNode mode = node.path("mode");
        if (!mode.isIntegralNumber() || mode.asInt() < 2) {
            return Optional.empty();
        }
        double lat = number(node, "lat");
        double lon = number(node, "lon");
        double alt = mode.asInt() >= 3 ? altitude(node) : Double.NaN;
        GeoPoint point;
        try {
            point = GeoPoint.of(lat, lon, alt);
        } catch (IllegalArgumentException e) {
            throw new GpsdProtocolException("TPV fix out of range: " + e.getMessage());
        }
        return Optional.of(new Location(point, accuracy(node), LocationSource.GNSS, time(node, nowMillis)));
    }

    /**
     * Checks the banner gpsd sends on connect and returns its release (e.g. "3.22").
     *
     * @throws GpsdProtocolException when the line is not a {@code VERSION} object
     */
    public static String requireVersion(String line) throws GpsdProtocolException {
        JsonNode node = parseObject(line);
        if (!"VERSION".equals(node.path("class").asText())) {
            throw new GpsdProtocolException("expected gpsd's VERSION banner, got class '" + node.path("class").asText() + "'");
        }
        return node.path("release").asText("unknown");
    }

    private static JsonNode parseObject(String line) throws GpsdProtocolException {
        if (line == null) {
            throw new GpsdProtocolException("no line");
        }
        if (line.length() > MAX_LINE_CHARS) {
            throw new GpsdProtocolException("line of " + line.length() + " characters; at most " + MAX_LINE_CHARS);
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new GpsdProtocolException("malformed JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new GpsdProtocolException("expected a JSON object");
        }
        return node;
    }

    private static double number(JsonNode tpv, String field) throws GpsdProtocolException {
        JsonNode n = tpv.get(field);
        if (n == null || !n.isNumber()) {
            throw new GpsdProtocolException("TPV with a fix lacks a numeric '" + field + "'");
        }
        return n.asDouble();
    }

    /** Height above the ellipsoid (what {@link GeoPoint} holds); older gpsd only sends {@code alt}. */
    private static double altitude(JsonNode tpv) throws GpsdProtocolException {
        for (String field : new String[] {"altHAE", "alt"}) {
            if (tpv.has(field)) {
                return number(tpv, field);
            }
        }
        return Double.NaN;
    }

    /** The largest of gpsd's horizontal error estimates, so the reported radius is never optimistic. */
    private static double accuracy(JsonNode tpv) {
        double worst = Double.NaN;
        for (String field : new String[] {"eph", "epx", "epy"}) {
            JsonNode n = tpv.get(field);
            if (n != null && n.isNumber() && Double.isFinite(n.asDouble()) && n.asDouble() >= 0) {
                worst = Double.isNaN(worst) ? n.asDouble() : Math.max(worst, n.asDouble());
            }
        }
        double meters = Double.isNaN(worst) ? DEFAULT_ACCURACY_METERS : worst;
        return Math.min(Math.max(meters, MIN_ACCURACY_METERS), Location.MAX_ACCURACY_METERS);
    }

    private static long time(JsonNode tpv, long nowMillis) throws GpsdProtocolException {
        JsonNode t = tpv.get("time");
        if (t == null) {
            return nowMillis;
        }
        try {
            long millis = Instant.parse(t.asText()).toEpochMilli();
            if (millis <= 0) {
                throw new GpsdProtocolException("TPV time before 1970: " + t.asText());
            }
            return millis;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new GpsdProtocolException("TPV time is not an ISO-8601 instant: " + t.asText());
        }
    }
}
