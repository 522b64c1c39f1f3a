package dev.peerlink.exit.provider.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.share.wire.LinkState;

/**
 * The JSON of a STATE datagram: {@code {"v":1,"flows":..,"requesters":..,"yourFlows":..,"upBps":..,"downBps":..,
 * "link":{..}}} — this exit's load (flows open, requesters with flows, bytes per second each way over the last
 * period: up = requesters → destinations) and, when configured, its link state (unknown measures left out).
 */
public final class StateReport {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private StateReport() {}

    public static String json(int flows, int requesters, int yourFlows, long upBps, long downBps, LinkState link) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", 1);
        o.put("flows", flows);
        o.put("requesters", requesters);
        o.put("yourFlows", yourFlows);
        o.put("upBps", upBps);
        o.put("downBps", downBps);
        if (link != null) {
            ObjectNode l = o.putObject("link");
            l.put("online", link.online());
            putKnown(l, "downKbps", link.downKbps());
            putKnown(l, "upKbps", link.upKbps());
            putKnown(l, "rttMs", link.rttMs());
            putKnown(l, "lossPct", link.lossPct());
            l.put("metered", link.metered());
            if (link.batteryPct() >= 0) {
                l.put("batteryPct", link.batteryPct());
            }
            l.put("network", link.network());
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putKnown(ObjectNode o, String name, double v) {
        if (!Double.isNaN(v)) {
            o.put(name, v);
        }
    }
}
