package dev.peerlink.share.wire;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.share.Location;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.scene.Scene;
import java.util.Collection;
import java.util.Map;

/** Writes the value types of sharing bodies; unknown measures (NaN) are left out. */
final class BodyWriter {
    private BodyWriter() {}

    static void num(ObjectNode o, String name, double v) {
        if (!Double.isNaN(v)) {
            o.put(name, v);
        }
    }

    static void point(ObjectNode o, GeoPoint p) {
        o.put("lat", p.lat());
        o.put("lon", p.lon());
        num(o, "alt", p.alt());
    }

    static void location(ObjectNode parent, String name, Location l) {
        if (l == null) {
            return;
        }
        ObjectNode o = parent.putObject(name);
        point(o, l.point());
        o.put("accuracy", l.accuracyMeters());
        o.put("source", l.source().wire());
        o.put("time", l.timeMillis());
    }

    static void scene(ObjectNode o, Scene s) {
        o.put("kind", s.kind().wire());
        switch (s) {
            case Scene.Box b -> {
                o.put("length", b.lengthM());
                o.put("width", b.widthM());
                o.put("height", b.heightM());
                o.put("heading", b.headingDeg());
            }
            case Scene.Sphere sp -> o.put("radius", sp.radiusM());
            case Scene.Circle c -> o.put("radius", c.radiusM());
            case Scene.SameNetwork n -> { }
        }
    }

    static void strings(ObjectNode o, String name, Collection<String> values) {
        if (!values.isEmpty()) {
            ArrayNode a = o.putArray(name);
            values.forEach(a::add);
        }
    }

    static void ints(ObjectNode o, String name, Collection<Integer> values) {
        if (!values.isEmpty()) {
            ArrayNode a = o.putArray(name);
            values.forEach(a::add);
        }
    }

    static void services(ObjectNode o, String name, Collection<ServiceType> values) {
        strings(o, name, values.stream().map(ServiceType::wire).toList());
    }

    static void offer(ObjectNode parent, String name, ShareOffer offer) {
        if (offer == null) {
            return;
        }
        ObjectNode o = parent.putObject(name);
        services(o, "services", offer.services());
        strings(o, "links", offer.links());
        o.put("auth", offer.auth().wire());
        Limits l = offer.limits();
        ObjectNode lo = o.putObject("limits");
        lo.put("maxUsers", l.maxUsers());
        lo.put("bandwidthKbps", l.bandwidthKbps());
        lo.put("dailyBytes", l.dailyBytes());
        ints(lo, "ports", l.ports());
    }

    static void state(ObjectNode parent, String name, LinkState s) {
        if (s == null) {
            return;
        }
        ObjectNode o = parent.putObject(name);
        o.put("online", s.online());
        num(o, "downKbps", s.downKbps());
        num(o, "upKbps", s.upKbps());
        num(o, "rttMs", s.rttMs());
        num(o, "lossPct", s.lossPct());
        o.put("metered", s.metered());
        if (s.batteryPct() >= 0) {
            o.put("batteryPct", s.batteryPct());
        }
        o.put("network", s.network());
    }

    static void conditions(ObjectNode parent, String name, Conditions c) {
        ObjectNode o = parent.putObject(name);
        services(o, "services", c.services());
        if (c.minDownKbps() > 0) {
            o.put("minDownKbps", c.minDownKbps());
        }
        if (c.minUpKbps() > 0) {
            o.put("minUpKbps", c.minUpKbps());
        }
        if (c.maxRttMs() > 0) {
            o.put("maxRttMs", c.maxRttMs());
        }
        if (c.maxLossPct() > 0) {
            o.put("maxLossPct", c.maxLossPct());
        }
        o.put("allowMetered", c.allowMetered());
        if (c.minBatteryPct() > 0) {
            o.put("minBatteryPct", c.minBatteryPct());
        }
        ints(o, "ports", c.ports());
        strings(o, "links", c.links());
    }

    static void policy(ObjectNode parent, String name, AccessPolicy p) {
        ObjectNode o = parent.putObject(name);
        o.put("mode", p.mode().wire());
        strings(o, "allow", p.allow().stream().sorted().toList());
    }

    static void wifi(ObjectNode parent, String name, Map<String, Integer> wifi) {
        if (!wifi.isEmpty()) {
            ObjectNode o = parent.putObject(name);
            wifi.forEach(o::put);
        }
    }
}
