package dev.peerlink.share.geo;

/**
 * A WGS84 position: latitude and longitude in degrees, altitude in metres above the ellipsoid or
 * {@link Double#NaN} when unknown. Longitude 180 and -180 are the same meridian; both are accepted.
 */
public record GeoPoint(double lat, double lon, double alt) {
    /** Altitudes outside this band are absurd for a device (deepest mine to a high-altitude balloon). */
    public static final double MIN_ALT = -12_000, MAX_ALT = 50_000;

    public GeoPoint {
        if (!Double.isFinite(lat) || lat < -90 || lat > 90) {
            throw new IllegalArgumentException("latitude must be a number in [-90, 90], got " + lat);
        }
        if (!Double.isFinite(lon) || lon < -180 || lon > 180) {
            throw new IllegalArgumentException("longitude must be a number in [-180, 180], got " + lon);
        }
        if (Double.isInfinite(alt) || (!Double.isNaN(alt) && (alt < MIN_ALT || alt > MAX_ALT))) {
            throw new IllegalArgumentException("altitude must be unknown or in [" + MIN_ALT + ", " + MAX_ALT + "] m, got " + alt);
        }
    }

    public static GeoPoint of(double lat, double lon) {
        return new GeoPoint(lat, lon, Double.NaN);
    }

    public static GeoPoint of(double lat, double lon, double alt) {
        return new GeoPoint(lat, lon, alt);
    }

    public boolean hasAltitude() {
        return !Double.isNaN(alt);
    }

    /** Altitude, or {@code fallback} when unknown. */
    public double altOr(double fallback) {
        return hasAltitude() ? alt : fallback;
    }

    /**
     * Parses {@code LAT,LON[,ALT]} (decimal degrees, metres), as the CLI's {@code --at} takes it.
     *
     * @throws IllegalArgumentException with a message naming what is wrong
     */
    public static GeoPoint parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected LAT,LON[,ALT]");
        }
        String[] parts = text.trim().split("\\s*,\\s*");
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("expected LAT,LON[,ALT], got '" + text + "'");
        }
        try {
            double lat = Double.parseDouble(parts[0]);
            double lon = Double.parseDouble(parts[1]);
            double alt = parts.length == 3 ? Double.parseDouble(parts[2]) : Double.NaN;
            if (parts.length == 3 && Double.isNaN(alt)) {
                throw new IllegalArgumentException("altitude must be a number");
            }
            return new GeoPoint(lat, lon, alt);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected LAT,LON[,ALT] in decimal degrees and metres, got '" + text + "'");
        }
    }
}
