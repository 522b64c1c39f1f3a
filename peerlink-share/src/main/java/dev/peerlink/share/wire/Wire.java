package dev.peerlink.share.wire;

import dev.peerlink.share.NetworkId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Shared checks of the sharing bodies. */
final class Wire {
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Wire() {}

    static <T> T required(T v, String name) {
        if (v == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return v;
    }

    static String token(String v, String name) {
        if (v == null || !TOKEN.matcher(v).matches()) {
            throw new IllegalArgumentException(name + " must be 1-64 characters of [A-Za-z0-9_-]");
        }
        return v;
    }

    static List<String> networks(List<String> in) {
        List<String> out = List.copyOf(in == null ? List.of() : in);
        if (out.size() > ShareBody.MAX_NETWORKS) {
            throw new IllegalArgumentException("at most " + ShareBody.MAX_NETWORKS + " network ids");
        }
        out.forEach(NetworkId::validate);
        return out;
    }

    static Map<String, Integer> wifi(Map<String, Integer> in) {
        if (in == null || in.isEmpty()) {
            return Map.of();
        }
        if (in.size() > ShareBody.MAX_WIFI) {
            throw new IllegalArgumentException("Wi-Fi scan has " + in.size() + " access points; at most " + ShareBody.MAX_WIFI);
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        in.forEach((id, rssi) -> {
            if (!NetworkId.isWifi(NetworkId.validate(id))) {
                throw new IllegalArgumentException("Wi-Fi scan entries are wifi: network ids");
            }
            if (rssi == null || rssi < -120 || rssi > 0) {
                throw new IllegalArgumentException("RSSI must be in [-120, 0] dBm");
            }
            out.put(id, rssi);
        });
        return java.util.Collections.unmodifiableMap(out);
    }
}
