package dev.peerlink.share.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.scene.Scene;
import dev.peerlink.share.scene.SceneKind;
import dev.peerlink.share.wire.ShareProtocolException.Code;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the value types of sharing bodies field by field from Jackson's tree (never data binding). */
final class BodyReader {
    private BodyReader() {}

    static JsonNode field(JsonNode o, String name) throws ShareProtocolException {
        JsonNode f = o.get(name);
        if (f == null || f.isNull()) {
            throw new ShareProtocolException(Code.MALFORMED, "missing field " + name);
        }
        return f;
    }

    static String str(JsonNode o, String name) throws ShareProtocolException {
        JsonNode f = field(o, name);
        if (!f.isTextual()) {
            throw new ShareProtocolException(Code.MALFORMED, name + " must be a string");
        }
        return f.textValue();
    }

    static String optStr(JsonNode o, String name) throws ShareProtocolException {
        return has(o, name) ? str(o, name) : null;
    }

    static boolean has(JsonNode o, String name) {
        JsonNode f = o.get(name);
        return f != null && !f.isNull();
    }

    static double num(JsonNode o, String name) throws ShareProtocolException {
        JsonNode f = field(o, name);
        if (!f.isNumber()) {
            throw new ShareProtocolException(Code.MALFORMED, name + " must be a number");
        }
        return f.doubleValue();
    }

    /** Absent means unknown (NaN). */
    static double optNum(JsonNode o, String name) throws ShareProtocolException {
        return has(o, name) ? num(o, name) : Double.NaN;
    }

    static double optNum(JsonNode o, String name, double dflt) throws ShareProtocolException {
        return has(o, name) ? num(o, name) : dflt;
    }

    static long lng(JsonNode o, String name) throws ShareProtocolException {
        JsonNode f = field(o, name);
        if (!f.isIntegralNumber() || !f.canConvertToLong()) {
            throw new ShareProtocolException(Code.MALFORMED, name + " must be an integer");
        }
        return f.longValue();
    }

    static long optLng(JsonNode o, String name, long dflt) throws ShareProtocolException {
        return has(o, name) ? lng(o, name) : dflt;
    }

    static int optInt(JsonNode o, String name, int dflt) throws ShareProtocolException {
        long v = optLng(o, name, dflt);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ShareProtocolException(Code.INVALID, name + " out of range");
        }
        return (int) v;
    }

    static boolean bool(JsonNode o, String name, boolean dflt) throws ShareProtocolException {
        if (!has(o, name)) {
            return dflt;
        }
        JsonNode f = o.get(name);
        if (!f.isBoolean()) {
            throw new ShareProtocolException(Code.MALFORMED, name + " must be true or false");
        }
        return f.booleanValue();
    }

    static JsonNode obj(JsonNode o, String name) throws ShareProtocolException {
        JsonNode f = field(o, name);
        if (!f.isObject()) {
            throw new ShareProtocolException(Code.MALFORMED, name + " must be an object");
        }
        return f;
    }

    static JsonNode optObj(JsonNode o, String name) throws ShareProtocolException {
        return has(o, name) ? obj(o, name) : null;
    }

    static List<JsonNode> arr(JsonNode o, String name, int max) throws ShareProtocolException {
        if (!has(o, name)) {
            return List.of();
        }
        JsonNode f = o.get(name);
        if (!f.isArray()) {
            throw new ShareProtocolException(Code.MALFORMED, name + " must be an array");
        }
        if (f.size() > max) {
            throw new ShareProtocolException(Code.INVALID, name + " has " + f.size() + " entries; at most " + max);
        }
        List<JsonNode> out = new ArrayList<>(f.size());
        f.forEach(out::add);
        return out;
    }

    static List<String> strings(JsonNode o, String name, int max) throws ShareProtocolException {
        List<String> out = new ArrayList<>();
        for (JsonNode n : arr(o, name, max)) {
            if (!n.isTextual()) {
                throw new ShareProtocolException(Code.MALFORMED, name + " holds strings");
            }
            out.add(n.textValue());
        }
        return out;
    }

    static List<Integer> ints(JsonNode o, String name, int max) throws ShareProtocolException {
        List<Integer> out = new ArrayList<>();
        for (JsonNode n : arr(o, name, max)) {
            if (!n.isInt()) {
                throw new ShareProtocolException(Code.MALFORMED, name + " holds integers");
            }
            out.add(n.intValue());
        }
        return out;
    }

    static GeoPoint point(JsonNode o) throws ShareProtocolException {
        return GeoPoint.of(num(o, "lat"), num(o, "lon"), optNum(o, "alt"));
    }

    static Location location(JsonNode o) throws ShareProtocolException {
        if (o == null) {
            return null;
        }
        return new Location(point(o), num(o, "accuracy"), LocationSource.fromWire(str(o, "source")), lng(o, "time"));
    }

    static Scene scene(JsonNode o) throws ShareProtocolException {
        SceneKind kind = SceneKind.fromWire(str(o, "kind"));
        return switch (kind) {
            case SUBWAY_CAR -> new Scene.Box(num(o, "length"), num(o, "width"), num(o, "height"), num(o, "heading"));
            case SUBWAY_HALL, INDOOR -> new Scene.Sphere(kind, num(o, "radius"));
            case OUTDOOR -> new Scene.Circle(num(o, "radius"));
            case SAME_NETWORK -> new Scene.SameNetwork();
        };
    }

    static Set<ServiceType> services(JsonNode o, String name) throws ShareProtocolException {
        Set<ServiceType> out = EnumSet.noneOf(ServiceType.class);
        for (String s : strings(o, name, 8)) {
            out.add(ServiceType.fromWire(s));
        }
        return out;
    }

    static Limits limits(JsonNode o) throws ShareProtocolException {
        if (o == null) {
            return Limits.NONE;
        }
        return new Limits(optInt(o, "maxUsers", 0), optLng(o, "bandwidthKbps", 0), optLng(o, "dailyBytes", 0),
                ints(o, "ports", Limits.MAX_PORTS));
    }

    static ShareOffer offer(JsonNode o) throws ShareProtocolException {
        if (o == null) {
            return null;
        }
        String auth = optStr(o, "auth");
        return new ShareOffer(services(o, "services"), strings(o, "links", Names.MAX_LABELS),
                auth == null ? null : ShareOffer.Auth.fromWire(auth), limits(optObj(o, "limits")));
    }

    static LinkState state(JsonNode o) throws ShareProtocolException {
        if (o == null) {
            return null;
        }
        return new LinkState(bool(o, "online", true), optNum(o, "downKbps"), optNum(o, "upKbps"), optNum(o, "rttMs"),
                optNum(o, "lossPct"), bool(o, "metered", false), optInt(o, "batteryPct", -1), optStr(o, "network"));
    }

    static Conditions conditions(JsonNode o) throws ShareProtocolException {
        if (o == null) {
            return Conditions.ANY;
        }
        return new Conditions(services(o, "services"), optNum(o, "minDownKbps", 0), optNum(o, "minUpKbps", 0),
                optNum(o, "maxRttMs", 0), optNum(o, "maxLossPct", 0), bool(o, "allowMetered", true),
                optInt(o, "minBatteryPct", 0), ints(o, "ports", Limits.MAX_PORTS), strings(o, "links", Names.MAX_LABELS));
    }

    static AccessPolicy policy(JsonNode o) throws ShareProtocolException {
        if (o == null) {
            return AccessPolicy.ANYONE;
        }
        return new AccessPolicy(AccessPolicy.Mode.fromWire(str(o, "mode")),
                new HashSet<>(strings(o, "allow", AccessPolicy.MAX_LISTED)));
    }

    static Map<String, Integer> wifi(JsonNode o, String name) throws ShareProtocolException {
        JsonNode f = o.get(name);
        if (f == null || f.isNull()) {
            return Map.of();
        }
        if (!f.isObject()) {
            throw new ShareProtocolException(Code.MALFORMED, name + " must be an object of network id to RSSI");
        }
        if (f.size() > ShareBody.MAX_WIFI) {
            throw new ShareProtocolException(Code.INVALID, "Wi-Fi scan has " + f.size() + " access points; at most " + ShareBody.MAX_WIFI);
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : f.properties()) {
            if (!e.getValue().isInt()) {
                throw new ShareProtocolException(Code.MALFORMED, "RSSI values are integers (dBm)");
            }
            out.put(e.getKey(), e.getValue().intValue());
        }
        return out;
    }
}
