package dev.peerlink.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.share.wire.ServiceType;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareCodec;
import java.util.List;
import java.util.Locale;

/** What the sharing commands print: the protocol's own JSON for machines, short lines for people. */
final class ShareJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ShareJson() {}

    static String found(ShareBody.Found f) {
        return ShareCodec.encode(null, f).body().json();
    }

    static String foundText(ShareBody.Found f) {
        StringBuilder b = new StringBuilder();
        ShareBody.FindStats s = f.stats();
        b.append(String.format(Locale.ROOT, "%d provider(s) matched; %d in range, %d asked, %d accepted, %d declined, "
                        + "%d timed out, %d refused by policy, %d did not match", f.providers().size(), s.candidates(), s.asked(),
                s.accepted(), s.declined(), s.timedOut(), s.refusedByPolicy(), s.unmatched()));
        for (ShareBody.Match m : f.providers()) {
            b.append(String.format(Locale.ROOT, "%n  %-20s %6s  score %.2f  %s  down %s kbit/s  rtt %s ms  loss %s %%%s",
                    m.deviceId(), m.distanceMeters() < 0 ? "-" : m.distanceMeters() + " m", m.score(),
                    String.join(",", m.offer().services().stream().map(ServiceType::wire).toList()),
                    num(m.state().downKbps()), num(m.state().rttMs()), num(m.state().lossPct()),
                    m.state().metered() ? "  metered" : ""));
        }
        return b.toString();
    }

    static String event(String name, Object... kv) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("event", name);
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            String k = (String) kv[i];
            switch (v) {
                case null -> o.putNull(k);
                case Integer n -> o.put(k, n);
                case Long n -> o.put(k, n);
                case Double n -> o.put(k, n);
                case Boolean n -> o.put(k, n);
                case List<?> l -> {
                    var a = o.putArray(k);
                    l.forEach(x -> a.add(String.valueOf(x)));
                }
                default -> o.put(k, String.valueOf(v));
            }
        }
        return o.toString();
    }

    static String cells(List<ShareBody.CellQuality> cells) {
        return ShareCodec.encode(null, new ShareBody.QosResult(cells)).body().json();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%.0f", v);
    }
}
