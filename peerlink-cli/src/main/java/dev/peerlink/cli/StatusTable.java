package dev.peerlink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The summary of {@code peerlink status} as a compact table: one line per area, zeros left out of the mixes. */
final class StatusTable {
    private StatusTable() {}

    static String render(JsonNode s) {
        StringBuilder b = new StringBuilder();
        row(b, "uptime", duration(s.path("uptimeSeconds").asLong()));
        JsonNode d = s.path("devices");
        row(b, "devices", d.path("online").asLong() + " online, " + d.path("registered").asLong() + " registered");
        row(b, "NAT", mix(s.path("nat")));
        JsonNode c = s.path("connects");
        row(b, "connects", c.path("requested").asLong() + " requested: " + c.path("accepted").asLong() + " accepted, "
                + c.path("rejected").asLong() + " rejected, " + c.path("failed").asLong() + " failed");
        JsonNode setup = s.path("setupMs");
        String paths = mix(s.path("paths"));
        if (setup.path("count").asLong() > 0) {
            paths += String.format(Locale.ROOT, "; setup %.0f ms mean over %d", setup.path("sum").asDouble() / setup.path("count").asLong(),
                    setup.path("count").asLong());
        }
        row(b, "paths", paths);
        JsonNode r = s.path("relay");
        row(b, "relay", r.path("allocations").asLong() + " allocations, " + bytes(r.path("bytes").asLong()) + " relayed, "
                + percent(r.path("share").asDouble()) + " of connections");
        JsonNode m = s.path("mappings");
        String mappings = m.path("monitored").asLong() + " monitored: " + m.path("healthy").asLong() + " healthy, "
                + m.path("broken").asLong() + " broken, " + m.path("repaired").asLong() + " repaired";
        JsonNode last = m.path("recentRepairs").path(0);
        if (!last.isMissingNode()) {
            mappings += " (last: " + last.path("protocol").asText() + " in " + last.path("ttrMs").asLong() + " ms)";
        }
        row(b, "mappings", mappings);
        JsonNode t = s.path("transfer");
        row(b, "transfer", t.path("offers").asLong() + " offers, hits " + t.path("hits").path("private").asLong() + " private / "
                + t.path("hits").path("central").asLong() + " central, " + bytes(t.path("bytesSaved").asLong()) + " saved, dedup "
                + percent(t.path("dedupRatio").asDouble()));
        JsonNode sh = s.path("sharing");
        row(b, "sharing", (sh.path("enabled").asBoolean(true) ? "" : "off; ") + sh.path("providers").asLong() + " providers, "
                + sh.path("finds").asLong() + " finds, " + sh.path("qosReports").asLong() + " QoS reports");
        row(b, "STUN", s.path("stun").path("requests").asLong() + " requests");
        row(b, "heap", bytes(s.path("jvm").path("heapUsedBytes").asLong()));
        return b.toString();
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append(String.format(Locale.ROOT, "%-9s %s%n", label, value));
    }

    /** "a 2, b 1" of the non-zero entries, "none" when all are zero. */
    static String mix(JsonNode o) {
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().asLong() != 0) {
                parts.add(e.getKey() + " " + e.getValue().asLong());
            }
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
    }

    static String duration(long seconds) {
        long h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%dh %02dm %02ds", h, m, s) : m > 0 ? m + "m " + String.format(Locale.ROOT, "%02ds", s) : s + "s";
    }
}
