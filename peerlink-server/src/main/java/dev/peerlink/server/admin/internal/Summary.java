package dev.peerlink.server.admin.internal;

import static dev.peerlink.server.admin.MeterNames.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.server.admin.AdminData;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The {@code /api/summary} document, read back from the meter registry by name (so it shows exactly what
 * {@code /metrics} shows, including meters other components register later) plus the {@link AdminData}.
 */
public final class Summary {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Labels of the NAT mix, always present (0 when none) so the dashboard's tiles are stable. */
    public static final List<String> NAT_TYPES = List.of("open-internet", "full-cone", "restricted-cone", "port-restricted-cone",
            "symmetric", "symmetric-udp-firewall", "udp-blocked", "unknown");
    /** Paths of the connection ladder, always present. */
    public static final List<String> PATHS = List.of("lan", "direct", "reverse", "punch", "birthday", "relay");

    private final MeterRegistry registry;
    private final AdminData data;
    private final long startedAt;
    private final LongSupplier clock;

    public Summary(MeterRegistry registry, AdminData data, long startedAt, LongSupplier clock) {
        this.registry = registry;
        this.data = data;
        this.startedAt = startedAt;
        this.clock = clock;
    }

    public String json() {
        return build().toString();
    }

    public ObjectNode build() {
        long now = clock.getAsLong();
        ObjectNode root = JSON.createObjectNode();
        root.put("serverTime", now);
        root.put("uptimeSeconds", Math.max(0, (now - startedAt) / 1000));
        ObjectNode devices = root.putObject("devices");
        devices.put("online", sum(DEVICES_ONLINE));
        devices.put("registered", sum(DEVICES_REGISTERED));
        ObjectNode nat = root.putObject("nat");
        Map<String, Long> natMix = byTag(DEVICES_NAT, "type");
        NAT_TYPES.forEach(t -> nat.put(t, natMix.getOrDefault(t, 0L)));
        natMix.forEach((t, n) -> {
            if (!nat.has(t)) {
                nat.put(t, n);
            }
        });
        ObjectNode connects = root.putObject("connects");
        connects.put("requested", sum(SIGNAL_CONNECT_REQUESTS));
        Map<String, Long> outcomes = byTag(SIGNAL_CONNECTS, "outcome");
        for (String o : List.of("accepted", "rejected", "failed")) {
            connects.put(o, outcomes.getOrDefault(o, 0L));
        }
        ObjectNode paths = root.putObject("paths");
        Map<String, Long> byPath = connectedByPath();
        PATHS.forEach(p -> paths.put(p, byPath.getOrDefault(p, 0L)));
        byPath.forEach((p, n) -> {
            if (!paths.has(p)) {
                paths.put(p, n);
            }
        });
        setup(root.putObject("setupMs"));
        ObjectNode relay = root.putObject("relay");
        relay.put("allocations", sum(TURN_ALLOCATIONS));
        relay.put("bytes", sum(TURN_RELAYED_BYTES));
        long allPaths = byPath.values().stream().mapToLong(Long::longValue).sum();
        relay.put("share", allPaths == 0 ? 0.0 : (double) byPath.getOrDefault("relay", 0L) / allPaths);
        mappings(root.putObject("mappings"));
        ObjectNode transfer = root.putObject("transfer");
        transfer.put("offers", sum(TRANSFER_OFFERS));
        ObjectNode hits = transfer.putObject("hits");
        Map<String, Long> tiers = byTag(TRANSFER_HITS, "tier");
        hits.put("private", tiers.getOrDefault("private", 0L));
        hits.put("central", tiers.getOrDefault("central", 0L));
        long saved = sum(TRANSFER_SAVED_BYTES);
        long stored = sum(TRANSFER_STORED_BYTES);
        transfer.put("bytesSaved", saved);
        transfer.put("dedupRatio", saved + stored == 0 ? 0.0 : (double) saved / (saved + stored));
        ObjectNode sharing = root.putObject("sharing");
        sharing.put("enabled", data.sharing());
        sharing.put("providers", sum(SHARE_PROVIDERS));
        sharing.put("finds", sum(SHARE_FINDS));
        sharing.put("qosReports", sum(SHARE_QOS_REPORTS));
        root.putObject("stun").put("requests", registry.find(STUN_MESSAGES).tag("class", "request").meters().stream()
                .mapToLong(Summary::value).sum());
        root.putObject("jvm").put("heapUsedBytes", registry.find("jvm.memory.used").tag("area", "heap").meters().stream()
                .mapToLong(Summary::value).sum());
        return root;
    }

    private void mappings(ObjectNode m) {
        Map<String, Long> states = byTag(MAPPINGS, "state");
        m.put("monitored", states.values().stream().mapToLong(Long::longValue).sum());
        m.put("healthy", states.getOrDefault("healthy", 0L));
        m.put("broken", states.getOrDefault("broken", 0L));
        m.put("repaired", sum(MAPPING_REPAIRS));
        ArrayNode recent = m.putArray("recentRepairs");
        for (AdminData.Repair r : data.recentRepairs()) {
            recent.addObject().put("at", r.at()).put("protocol", r.protocol()).put("ttrMs", r.ttrMs());
        }
    }

    /** Cumulative bucket counts merged over every path's setup histogram, bounds in milliseconds. */
    private void setup(ObjectNode s) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        long count = 0;
        double sumMs = 0;
        for (Meter meter : registry.find(LADDER_SETUP).meters()) {
            HistogramSnapshot h;
            double toMs;
            if (meter instanceof Timer t) {
                h = t.takeSnapshot();
                count += t.count();
                sumMs += t.totalTime(TimeUnit.MILLISECONDS);
                for (CountAtBucket b : h.histogramCounts()) {
                    buckets.merge(b.bucket(TimeUnit.MILLISECONDS), b.count(), Double::sum);
                }
            } else if (meter instanceof DistributionSummary d) {
                // a summary in seconds (base unit) or milliseconds
                toMs = "milliseconds".equals(d.getId().getBaseUnit()) ? 1 : 1000;
                h = d.takeSnapshot();
                count += d.count();
                sumMs += d.totalAmount() * toMs;
                for (CountAtBucket b : h.histogramCounts()) {
                    buckets.merge(b.bucket() * toMs, b.count(), Double::sum);
                }
            }
        }
        ArrayNode arr = s.putArray("buckets");
        buckets.forEach((le, n) -> arr.addArray().add(le).add(Math.round(n)));
        s.put("count", count);
        s.put("sum", Math.round(sumMs));
    }

    private long sum(String name) {
        return registry.find(name).meters().stream().mapToLong(Summary::value).sum();
    }

    /** Connections by path as devices reported them; failed attempts (outcome "failed", path "none") are not a path. */
    private Map<String, Long> connectedByPath() {
        Map<String, Long> out = new TreeMap<>();
        for (Meter m : registry.find(LADDER_CONNECTIONS).meters()) {
            String path = m.getId().getTag("path");
            String outcome = m.getId().getTag("outcome");
            if (path != null && (outcome == null || outcome.equals("connected"))) {
                out.merge(path, value(m), Long::sum);
            }
        }
        return out;
    }

    private Map<String, Long> byTag(String name, String tag) {
        Map<String, Long> out = new TreeMap<>();
        Collection<Meter> meters = registry.find(name).meters();
        for (Meter m : meters) {
            String v = m.getId().getTag(tag);
            if (v != null) {
                out.merge(v, value(m), Long::sum);
            }
        }
        return out;
    }

    /** A counter's count, a gauge's value, a timer's or summary's count. */
    static long value(Meter m) {
        double v = switch (m) {
            case Counter c -> c.count();
            case FunctionCounter c -> c.count();
            case TimeGauge g -> g.value(TimeUnit.MILLISECONDS);
            case Gauge g -> g.value();
            case Timer t -> t.count();
            case DistributionSummary d -> d.count();
            default -> {
                double first = 0;
                for (Measurement x : m.measure()) {
                    first = x.getValue();
                    break;
                }
                yield first;
            }
        };
        return Double.isFinite(v) ? Math.round(v) : 0;
    }
}
