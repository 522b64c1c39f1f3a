package dev.peerlink.server.admin.internal;

import static dev.peerlink.server.admin.MeterNames.*;
import static dev.peerlink.server.admin.internal.MediaMeters.counter;

import dev.peerlink.server.monitor.MappingMonitor;
import dev.peerlink.server.share.ShareService;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalStats;
import dev.peerlink.server.transfer.TransferConfig;
import dev.peerlink.server.transfer.internal.TransferService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Meters of the signalling service and its parts (mapping monitor, transfer, sharing), as functions over their own
 * counters; only the time to repair is recorded as it happens (a histogram needs every value).
 */
public final class SignalMeters {
    private SignalMeters() {}

    public static void bind(MeterRegistry r, SignalServer s) {
        Gauge.builder(DEVICES_ONLINE, s, SignalServer::onlineDevices).description("Devices registered and connected now").register(r);
        Gauge.builder(DEVICES_REGISTERED, s, SignalServer::registeredDevices).description("Devices in the registry").register(r);
        Gauge.builder(SIGNAL_CONNECTIONS, s, SignalServer::openConnections).description("Open signalling connections").register(r);
        Gauge.builder(SIGNAL_SESSIONS, s, SignalServer::liveSessions).description("Brokered sessions alive").register(r);
        Supplier<Map<String, Integer>> mix = memo(s::natMix);
        for (String type : Summary.NAT_TYPES) {
            Gauge.builder(DEVICES_NAT, mix, m -> m.get().getOrDefault(type, 0)).tags("type", type).strongReference(true)
                    .description("Online devices by the NAT type they report").register(r);
        }
        SignalStats st = s.stats();
        for (String o : SignalStats.REGISTRATION_OUTCOMES) {
            counter(r, SIGNAL_REGISTRATIONS, "Registration attempts, by outcome", st, x -> x.registrations(o), "outcome", o);
        }
        counter(r, SIGNAL_CONNECT_REQUESTS, "Connect requests received", st, SignalStats::connectRequests);
        for (String o : SignalStats.CONNECT_OUTCOMES) {
            counter(r, SIGNAL_CONNECTS, "Brokered connects, by how they ended", st, x -> x.connects(o), "outcome", o);
        }
        s.mappingMonitor().ifPresent(m -> bindMonitor(r, m));
        s.transfer().ifPresent(t -> bindTransfer(r, t));
        s.share().ifPresent(sh -> bindShare(r, sh));
    }

    static void bindMonitor(MeterRegistry r, MappingMonitor m) {
        Supplier<dev.peerlink.server.monitor.MonitorStats> stats = memo(m::stats);
        Gauge.builder(MAPPINGS, stats, x -> x.get().pending()).tags("state", "pending").strongReference(true)
                .description("Monitored port mappings, by health").register(r);
        Gauge.builder(MAPPINGS, stats, x -> x.get().healthy()).tags("state", "healthy").strongReference(true)
                .description("Monitored port mappings, by health").register(r);
        Gauge.builder(MAPPINGS, stats, x -> x.get().broken()).tags("state", "broken").strongReference(true)
                .description("Monitored port mappings, by health").register(r);
        counter(r, MAPPING_PROBES, "Mapping probes sent", m, x -> x.stats().probesSent());
        counter(r, MAPPING_PROBES_ANSWERED, "Mapping probes answered", m, x -> x.stats().probesAnswered());
        counter(r, MAPPING_PROBES_DEFERRED, "Mapping probes put off by the probe budget", m, x -> x.stats().deferred());
        counter(r, MAPPING_FAILURES, "Probe rounds that failed (no answer to any probe)", m, x -> x.stats().roundsFailed());
        counter(r, MAPPING_REMAPS, "Remap orders sent to devices", m, x -> x.stats().remapsSent());
        counter(r, MAPPING_REPAIRS, "Broken mappings repaired", m, x -> x.stats().repaired());
        counter(r, MAPPING_REFUSED, "Reported mappings not monitored (foreign address, monitor full)", m, x -> x.stats().refused());
        Timer ttr = Timer.builder(MAPPING_REPAIR_TIME)
                .description("Time to repair a broken mapping: first failed round to first answered probe")
                .serviceLevelObjectives(secs(1), secs(5), secs(15), secs(30), secs(60), secs(120), secs(300), secs(600), secs(1800))
                .register(r);
        m.onRepair(x -> ttr.record(x.ttrMs(), TimeUnit.MILLISECONDS));
    }

    static void bindTransfer(MeterRegistry r, TransferService t) {
        counter(r, TRANSFER_OFFERS, "Transfer upload sessions started", t, x -> x.stats().offers());
        FunctionCounter.builder(TRANSFER_OFFERED_BYTES, t, x -> x.stats().bytesOffered()).baseUnit("bytes")
                .description("Sizes of the contents offered").register(r);
        // a hit held here is this tier's; one the central server holds for a private tier is the central's
        String here = t.config().tier() == TransferConfig.Tier.PRIVATE ? "private" : "central";
        String help = "Offers that needed no upload, by the tier that held the content";
        if (here.equals("private")) {
            counter(r, TRANSFER_HITS, help, t, x -> x.stats().contentHits() - x.stats().delegated(), "tier", "private");
            counter(r, TRANSFER_HITS, help, t, x -> x.stats().delegated(), "tier", "central");
        } else {
            counter(r, TRANSFER_HITS, help, t, x -> x.stats().contentHits(), "tier", "central");
        }
        FunctionCounter.builder(TRANSFER_SAVED_BYTES, t, x -> x.stats().bytesSkipped()).baseUnit("bytes")
                .description("Bytes proven instead of uploaded (deduplication)").register(r);
        FunctionCounter.builder(TRANSFER_STORED_BYTES, t, x -> x.stats().bytesStored()).baseUnit("bytes")
                .description("Bytes received, verified and stored").register(r);
        counter(r, TRANSFER_CHUNKS_REFUSED, "Chunks that did not match their manifest", t, x -> x.stats().chunksRefused());
        counter(r, TRANSFER_DELIVERIES, "Deliveries, made and acknowledged", t, x -> x.stats().deliveriesCreated(), "state", "created");
        counter(r, TRANSFER_DELIVERIES, "Deliveries, made and acknowledged", t, x -> x.stats().deliveriesAcked(), "state", "acked");
    }

    static void bindShare(MeterRegistry r, ShareService s) {
        Gauge.builder(SHARE_PROVIDERS, s, x -> x.stats().providers()).description("Providers sharing now").register(r);
        counter(r, SHARE_ANNOUNCES, "Share announces accepted", s, x -> x.stats().announces());
        counter(r, SHARE_FINDS, "Finds served", s, x -> x.stats().finds());
        counter(r, SHARE_ACCESS_REQUESTS, "Access requests sent to providers", s, x -> x.stats().accessRequests());
        counter(r, SHARE_QOS_REPORTS, "QoS reports accepted", s, ShareService::qosReports);
    }

    private static Duration secs(long s) {
        return Duration.ofSeconds(s);
    }

    /** One computation per scrape for the gauges that share it (each would otherwise take the owner's lock). */
    static <T> Supplier<T> memo(Supplier<T> f) {
        return new Supplier<>() {
            private long at = Long.MIN_VALUE;
            private T value;

            @Override
            public synchronized T get() {
                long now = System.nanoTime();
                if (value == null || now - at > 500_000_000L) {
                    value = f.get();
                    at = now;
                }
                return value;
            }
        };
    }
}
