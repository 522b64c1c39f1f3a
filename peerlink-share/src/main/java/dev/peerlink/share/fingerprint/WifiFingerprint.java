package dev.peerlink.share.fingerprint;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a Wi-Fi scan heard at one spot: received signal strength (dBm, in [-120, 0]) per access point.
 * Access points are keyed by their hashed network id ({@code wifi:<32 hex>}), never by the raw BSSID,
 * so a fingerprint can be stored and shared without revealing which networks a device saw.
 */
public record WifiFingerprint(Map<String, Integer> rssi) {
    public static final int MAX_ACCESS_POINTS = 64;
    public static final int MIN_RSSI = -120, MAX_RSSI = 0;
    /** The salt of the hashed network ids unless a deployment chooses its own. */
    public static final String DEFAULT_SALT = dev.peerlink.share.NetworkId.DEFAULT_SALT;
    public static final int MAX_SALT_LENGTH = 256;

    private static final Pattern NETWORK_ID = Pattern.compile("wifi:[0-9a-f]{32}");

    public WifiFingerprint {
        if (rssi == null) {
            throw new IllegalArgumentException("fingerprint needs a map of signal strengths");
        }
        if (rssi.size() > MAX_ACCESS_POINTS) {
            throw new IllegalArgumentException("fingerprint has " + rssi.size() + " access points; at most " + MAX_ACCESS_POINTS);
        }
        rssi.forEach((id, dbm) -> {
            if (id == null || !NETWORK_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("access point key must be a hashed network id wifi:<32 hex>, got '" + id + "'");
            }
            if (dbm == null || dbm < MIN_RSSI || dbm > MAX_RSSI) {
                throw new IllegalArgumentException("RSSI must be in [" + MIN_RSSI + ", " + MAX_RSSI + "] dBm, got " + dbm);
            }
        });
        rssi = Map.copyOf(rssi);
    }

    /** {@link #ofBssids(Map, String)} with the {@link #DEFAULT_SALT}. */
    public static WifiFingerprint ofBssids(Map<String, Integer> rssiByBssid) {
        return ofBssids(rssiByBssid, DEFAULT_SALT);
    }

    /**
     * Hashes raw BSSIDs ({@code aa:bb:cc:dd:ee:ff}, any case, ':' or '-') into network ids; the raw
     * addresses are not kept.
     *
     * @throws IllegalArgumentException for a malformed BSSID, an RSSI out of range, or more than 64 access points
     */
    public static WifiFingerprint ofBssids(Map<String, Integer> rssiByBssid, String salt) {
        if (salt == null || salt.isEmpty() || salt.length() > MAX_SALT_LENGTH) {
            throw new IllegalArgumentException("salt must be 1-" + MAX_SALT_LENGTH + " characters");
        }
        if (rssiByBssid == null) {
            throw new IllegalArgumentException("fingerprint needs a map of signal strengths");
        }
        Map<String, Integer> hashed = new HashMap<>();
        rssiByBssid.forEach((bssid, dbm) -> {
            if (dbm == null) {
                throw new IllegalArgumentException("no RSSI for BSSID '" + bssid + "'");
            }
            hashed.merge(hashBssid(bssid, salt), dbm, Math::max);
        });
        return new WifiFingerprint(hashed);
    }

    public int size() {
        return rssi.size();
    }

    public boolean isEmpty() {
        return rssi.isEmpty();
    }

    /**
     * The hashed network id of a BSSID: {@code "wifi:" + hex(first 16 bytes of SHA-256(salt || 0x00 ||
     * bssid))}, the BSSID in lowercase colon form. The one place this hash is computed.
     */
    private static String hashBssid(String bssid, String salt) {
        return dev.peerlink.share.NetworkId.wifi(bssid, salt);
    }
}
