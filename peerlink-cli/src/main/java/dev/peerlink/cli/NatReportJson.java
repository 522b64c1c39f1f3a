package dev.peerlink.cli;

import dev.peerlink.stun.nat.FilteringBehavior;
import dev.peerlink.stun.nat.MappingBehavior;
import dev.peerlink.stun.nat.NatReport;
import dev.peerlink.stun.nat.NatType;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders a {@link NatReport} as the documented JSON object (docs/cli.md) or a human summary. */
final class NatReportJson {
    private NatReportJson() {}

    static Map<String, Object> toMap(NatReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server", addr(r.server()));
        m.put("localAddress", addr(r.localAddress()));
        m.put("publicAddress", r.publicAddress().map(NatReportJson::addr).orElse(null));
        m.put("behindNat", r.behindNat());
        m.put("mapping", r.mapping().map(MappingBehavior::label).orElse(null));
        m.put("filtering", r.filtering().map(FilteringBehavior::label).orElse(null));
        m.put("type", r.type().map(NatType::label).orElse(null));
        m.put("hairpinning", r.hairpinning().orElse(null));
        Map<String, Object> pa = new LinkedHashMap<>();
        pa.put("pattern", r.portAllocation().pattern().label());
        pa.put("delta", r.portAllocation().delta().orElse(null));
        pa.put("localPorts", r.portAllocation().localPorts());
        pa.put("mappedPorts", r.portAllocation().mappedPorts());
        m.put("portAllocation", pa);
        m.put("bindingLifetime", r.bindingLifetime().map(l -> {
            Map<String, Object> lt = new LinkedHashMap<>();
            lt.put("atLeastSeconds", l.atLeast().toSeconds());
            lt.put("belowSeconds", l.below().map(d -> d.toSeconds()).orElse(null));
            return lt;
        }).orElse(null));
        m.put("otherAddress", r.otherAddress().map(NatReportJson::addr).orElse(null));
        m.put("rfc5780", r.rfc5780());
        m.put("partial", r.partial());
        m.put("notes", r.notes());
        m.put("elapsedMillis", r.elapsed().toMillis());
        return m;
    }

    static String summary(NatReport r) {
        StringBuilder sb = new StringBuilder();
        line(sb, "server", addr(r.server()) + r.otherAddress().map(o -> " (other address " + addr(o) + ")").orElse(" (no RFC 5780)"));
        line(sb, "local address", addr(r.localAddress()));
        line(sb, "public address", r.publicAddress().map(NatReportJson::addr).orElse("none"));
        line(sb, "NAT type", r.type().map(NatType::label).orElse("unknown"));
        line(sb, "mapping", r.mapping().map(MappingBehavior::label).orElse("unknown"));
        line(sb, "filtering", r.filtering().map(FilteringBehavior::label).orElse("unknown"));
        line(sb, "hairpinning", r.hairpinning().map(b -> b ? "yes" : "no").orElse("unknown"));
        line(sb, "port allocation", r.portAllocation().pattern().label()
                + r.portAllocation().delta().map(d -> " (delta " + d + ")").orElse("")
                + (r.portAllocation().mappedPorts().isEmpty() ? "" : " " + r.portAllocation().mappedPorts()));
        r.bindingLifetime().ifPresent(l -> line(sb, "binding lifetime",
                ">= " + l.atLeast().toSeconds() + " s" + l.below().map(b -> ", < " + b.toSeconds() + " s").orElse("")));
        if (r.partial()) {
            line(sb, "result", "PARTIAL");
        }
        for (String n : r.notes()) {
            line(sb, "note", n);
        }
        line(sb, "took", r.elapsed().toMillis() + " ms");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format("%-16s %s%n", key + ":", value));
    }

    static String addr(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }
}
