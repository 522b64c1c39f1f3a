package dev.peerlink.share.index;

import static dev.peerlink.share.index.ProviderIndex.MAX_LIMIT;
import static dev.peerlink.share.index.ProviderIndex.MAX_NETWORKS;
import static dev.peerlink.share.index.ProviderIndex.MAX_NETWORK_ID_LENGTH;
import static dev.peerlink.share.index.ProviderIndex.MAX_RADIUS_METERS;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.share.geo.GeoPoint;
import java.util.Set;

/** The argument checks every {@link ProviderIndex} makes, so all implementations refuse the same calls alike. */
public final class ProviderIndexArgs {
    private ProviderIndexArgs() {}

    public static void requireDeviceId(String deviceId) {
        if (!DeviceId.isValid(deviceId)) {
            throw new IllegalArgumentException("device id must be 1-64 characters of [A-Za-z0-9._-], got '" + deviceId + "'");
        }
    }

    public static void requireNetworks(Set<String> networks) {
        if (networks == null) {
            throw new IllegalArgumentException("networks must be a set (empty for none)");
        }
        if (networks.size() > MAX_NETWORKS) {
            throw new IllegalArgumentException("at most " + MAX_NETWORKS + " network ids, got " + networks.size());
        }
        for (String network : networks) {
            if (network == null || network.isBlank() || network.length() > MAX_NETWORK_ID_LENGTH) {
                throw new IllegalArgumentException(
                        "a network id must be 1-" + MAX_NETWORK_ID_LENGTH + " non-blank characters, got '" + network + "'");
            }
        }
    }

    public static void requireLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in [1, " + MAX_LIMIT + "], got " + limit);
        }
    }

    public static void requireFind(GeoPoint center, double radiusMeters, int limit) {
        if (center == null) {
            throw new IllegalArgumentException("a find needs a centre");
        }
        if (!(radiusMeters >= 0 && radiusMeters <= MAX_RADIUS_METERS)) {
            throw new IllegalArgumentException("radius must be in [0, " + MAX_RADIUS_METERS + "] m, got " + radiusMeters);
        }
        requireLimit(limit);
    }
}
