package dev.peerlink.share.fingerprint;

import dev.peerlink.share.geo.GeoPoint;

/**
 * One survey sample of a radio map: where the surveyor stood, what the scan heard there, and which
 * site (building, campus) it belongs to.
 */
public record ReferencePoint(GeoPoint point, WifiFingerprint fingerprint, String site) {
    public static final int MAX_SITE_LENGTH = 256;

    public ReferencePoint {
        if (point == null || fingerprint == null || site == null) {
            throw new IllegalArgumentException("reference point needs a point, a fingerprint and a site");
        }
        if (fingerprint.isEmpty()) {
            throw new IllegalArgumentException("reference point fingerprint hears no access point");
        }
        if (site.length() > MAX_SITE_LENGTH) {
            throw new IllegalArgumentException("site name longer than " + MAX_SITE_LENGTH + " characters");
        }
    }
}
