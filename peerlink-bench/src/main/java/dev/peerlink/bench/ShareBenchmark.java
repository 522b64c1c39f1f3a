package dev.peerlink.bench;

import ch.qos.logback.classic.Level;
import dev.peerlink.bench.ShareFindBench.Result;
import dev.peerlink.bench.ShareRegistryBench.Rate;
import dev.peerlink.bench.ShareWorld.FindScene;
import dev.peerlink.server.share.ShareConfig;
import dev.peerlink.server.share.ShareService;
import dev.peerlink.server.share.internal.ProviderRegistry;
import dev.peerlink.server.share.internal.ShareMaps;
import dev.peerlink.share.qos.QosSample;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.LoggerFactory;

/**
 * Issue 12's benchmark: the sharing broker's server-side costs at city scale, each beside a reference measured in the
 * same run. (1) provider refreshes per second on one thread, from {@code ProviderRegistry.announce} alone to the whole
 * frame path, against {@code ConcurrentHashMap.put}; (2) find latency before any provider answers, per scene, against
 * a linear scan over every provider; (3) heap per registered provider, against the decoded announces in a plain map;
 * (4) the QoS map's ingest rate against raw SQLite inserts, and its prediction and route latencies.
 *
 * <pre>java -Xmx2g -cp ... dev.peerlink.bench.ShareBenchmark [PROVIDERS=100000 [RADIUS_KM=15 [FINDS=20000 [SAMPLES=1000000 [DATA_DIR]]]]]</pre>
 */
public final class ShareBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ShareBenchmark() {}

    public static void main(String[] args) throws Exception {
        int providers = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        double radiusKm = args.length > 1 ? Double.parseDouble(args[1]) : 15;
        int finds = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int samples = args.length > 3 ? Integer.parseInt(args[3]) : 1_000_000;
        Path data = args.length > 4 ? Path.of(args[4]) : Files.createTempDirectory("share-bench");
        Files.createDirectories(data);
        // a new provider is logged at INFO by the service; 100,000 log lines would measure the logger
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.peerlink.server.share")).setLevel(Level.WARN);

        System.out.printf(Locale.ROOT, "== share benchmark: %,d providers over a %.0f km radius disc around %s, %,d finds per scene, "
                        + "%,d QoS samples, data in %s%n", providers, radiusKm, ShareWorld.CENTRE, finds, samples, data);
        System.out.printf(Locale.ROOT, "== %s %s, %d cores available, max heap %d MiB; measuring on one thread (main) "
                        + "unless said%n", System.getProperty("java.vm.name"), Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        ShareSummary table = new ShareSummary();
        Phase phase = new Phase();

        ShareWorld world = new ShareWorld(providers, radiusKm, 12);
        warmUp(radiusKm);
        ShareRegistryBench reg = new ShareRegistryBench(world, 2);
        ProviderRegistry registry = new ProviderRegistry();

        phase.start("3. heap per registered provider (and the first fill, decoded from frames)");
        ShareRegistryBench.Fill fill = reg.fillAndMeasure(registry, true);
        ShareRegistryBench.Heap heap = fill.heap();
        System.out.printf(Locale.ROOT, "first announces (frame decode + ShareCodec.decode + new registry entry): %s%n",
                ShareRegistryBench.rate(heap.fillPerSecond()));
        System.out.printf(Locale.ROOT, "heap: registry + H3 index %,.0f B/provider; the same decoded announces in a plain "
                        + "ConcurrentHashMap %,.0f B/provider; H3 index alone (point + network ids) %,.0f B/provider; the "
                        + "same ids, points and network ids in a plain ConcurrentHashMap %,.0f B/provider%n",
                heap.registry(), heap.plainMap(), heap.indexAlone(), heap.plainIndexData());
        phase.end();
        table.add("heap per registered provider (registry + H3 index)", ShareSummary.f("%,.0f B", heap.registry()),
                ShareSummary.f("%,.0f B (decoded announces in a ConcurrentHashMap)", heap.plainMap()),
                ShareSummary.f("x%.2f", heap.registry() / heap.plainMap()));
        table.add("heap per provider, H3 index alone (point + network ids)", ShareSummary.f("%,.0f B", heap.indexAlone()),
                ShareSummary.f("%,.0f B (the same ids, points and network ids in a ConcurrentHashMap)", heap.plainIndexData()),
                ShareSummary.f("x%.2f", heap.indexAlone() / heap.plainIndexData()));

        phase.start("1. provider refreshes (every provider moved <= 20 m before each pass), median of 2 rounds");
        ShareDevices devices = new ShareDevices();
        ScheduledExecutorService scheduler = daemonScheduler();
        ShareService service = service(devices, scheduler);
        ShareRegistryBench.Replies replies = new ShareRegistryBench.Replies();
        double serviceFill = reg.fillService(service, devices, fill.frames(), replies);
        fill = null;
        System.out.printf(Locale.ROOT, "first announces through ShareService (new entries): %s%n", ShareRegistryBench.rate(serviceFill));
        List<Rate> rates = reg.refreshRounds(registry, service, replies);
        Rate floor = rates.get(0);
        for (Rate r : rates) {
            System.out.printf(Locale.ROOT, "%-48s %s%s%n", r.label(), ShareRegistryBench.rate(r.perSecond()),
                    r == floor ? "" : ShareSummary.f("  = x%.3f of the map floor", r.perSecond() / floor.perSecond()));
        }
        System.out.printf(Locale.ROOT, "service replies: %,d ok, %,d refused%s%n", replies.ok.get(), replies.refused.get(),
                replies.lastRefusal == null ? "" : " (last: " + replies.lastRefusal + ")");
        phase.end();
        for (Rate r : rates) {
            if (r != floor) {
                table.add("refreshes/s on one thread: " + r.label(), ShareSummary.f("%,.0f (%.2f µs)", r.perSecond(), 1e6 / r.perSecond()),
                        ShareSummary.f("%,.0f (ConcurrentHashMap.put)", floor.perSecond()),
                        ShareSummary.f("x%.3f", r.perSecond() / floor.perSecond()));
            }
        }
        Rate viaService = rates.getLast();
        table.add("first announces/s on one thread (new entries): frame -> ShareService.onMessage -> Ok encoded",
                ShareSummary.f("%,.0f (%.2f µs)", serviceFill, 1e6 / serviceFill),
                ShareSummary.f("%,.0f (refreshes through the same path)", viaService.perSecond()),
                ShareSummary.f("x%.3f", serviceFill / viaService.perSecond()));

        phase.start("2. find, server side before any provider answers (the service path also runs its find deadlines "
                + "and a 10 s sweep on a scheduler thread)");
        ShareFindBench fb = new ShareFindBench(world, devices);
        ProviderRegistry.Entry[] all = new ProviderRegistry.Entry[providers];
        for (int i = 0; i < providers; i++) {
            all[i] = registry.get(world.id(i));
        }
        fb.warmUp(registry, all, 1000, 4);
        fb.warmUpService(service, 1000, replies);
        int brute = Math.max(20, Math.min(50, finds / 400)); // each scan reads all N entries: ~30-50 ms at 100,000
        for (FindScene s : FindScene.values()) {
            int n = s == FindScene.WIDE ? Math.max(1, finds / 10) : finds;
            Result r = fb.measure(registry, all, s, n, brute);
            ShareLatency.Summary svc = fb.service(service, s, Math.max(1, n / 2), replies);
            System.out.printf(Locale.ROOT, "%-26s in range %.2f/find, asked %.2f/find%n", s.label, r.inRange(), r.asked());
            System.out.printf(Locale.ROOT, "  Candidates.select            %s%n", r.select().line());
            System.out.printf(Locale.ROOT, "  select + access requests     %s%n", r.total().line());
            System.out.printf(Locale.ROOT, "  ShareService.onMessage(find) %s%n", svc.line());
            System.out.printf(Locale.ROOT, "  ref linear scan of all       %s; same providers asked in %d/%d%n",
                    r.brute().line(), r.agreeing(), r.brute().n());
            System.out.printf(Locale.ROOT, "  speed-up over the scan: select x%.0f (p50) x%.0f (p99); select + requests x%.0f (p50)%n",
                    r.brute().p50() / r.select().p50(), r.brute().p99() / r.select().p99(), r.brute().p50() / r.total().p50());
            table.add("find " + s.label + ": select + requests p50 / p99 (select alone p50 / p99); in range per find",
                    ShareSummary.f("%.0f / %.0f µs (%.0f / %.0f µs); %.2f", r.total().p50(), r.total().p99(), r.select().p50(),
                            r.select().p99(), r.inRange()),
                    ShareSummary.f("%,.0f / %,.0f µs (linear scan)", r.brute().p50(), r.brute().p99()),
                    ShareSummary.f("x%.0f faster (select p50)", r.brute().p50() / r.select().p50()));
            table.add("find " + s.label + ": whole ShareService.onMessage p50 / p99 / max", ShareSummary.f("%.0f / %.0f / %.0f µs",
                    svc.p50(), svc.p99(), svc.max()), "goal: p99 < 5,000 µs", ShareSummary.f("%.3f of goal", svc.p99() / 5000));
        }
        System.out.printf(Locale.ROOT, "service: %,d access requests sent (%,d chars encoded); replies %,d ok, %,d refused, %,d other%s%n",
                devices.sent(), devices.sentChars(), replies.ok.get(), replies.refused.get(), replies.other.get(),
                replies.lastRefusal == null ? "" : " (last refusal: " + replies.lastRefusal + ")");
        phase.end();
        service.close();
        scheduler.shutdownNow();
        service = null;
        registry = null;
        all = null;

        phase.start("4. QoS map: samples in reports of 100 on the main thread; the map's write-behind thread writes the store");
        ShareQosWorkload workload = new ShareQosWorkload(world, 21, System.currentTimeMillis());
        QosSample[] qs = workload.samples(samples);
        ShareQosBench qb = new ShareQosBench(workload, qs, 10_000);
        double raw = qb.rawSqliteRowsPerSecond(data);
        System.out.printf(Locale.ROOT, "ref raw SQLite insert (WAL, synchronous=NORMAL, 10,000 rows a transaction): %,.0f rows/s%n", raw);
        ShareQosBench.Result onDisk = qb.sqlite(data);
        ShareLatency.Summary pk = qb.rawSqliteLookup(data, 10_000);
        System.out.printf(Locale.ROOT, "ref one bucket read by primary key from share.db (prepared): %s%n", pk.line());
        for (ShareQosBench.Result r : List.of(onDisk, qb.inMemory())) {
            System.out.println(ShareQosBench.line(r));
            System.out.printf(Locale.ROOT, "  predict on a route   %s (%.0f%% disclosed)%n", r.predictOnRoute().line(),
                    100 * r.disclosedOnRoute());
            System.out.printf(Locale.ROOT, "  predict anywhere     %s%n", r.predictAnywhere().line());
            System.out.printf(Locale.ROOT, "  route 10 km (51 pts) %s; %.1f cells, %.2f weak spots per route%n",
                    r.route().line(), r.cellsPerRoute(), r.weakPerRoute());
            table.add("QoS ingest, " + r.store() + " (samples/s; incl. final flush)",
                    ShareSummary.f("%,.0f; %,.0f", r.ingestPerSecond(), r.withFlushPerSecond()),
                    ShareSummary.f("%,.0f rows/s (raw SQLite insert)", raw), ShareSummary.f("x%.2f", r.ingestPerSecond() / raw));
            table.add("QoS predict p50 / p99, " + r.store() + " (on a route; anywhere)",
                    ShareSummary.f("%.1f / %.1f µs; %.1f / %.1f µs", r.predictOnRoute().p50(), r.predictOnRoute().p99(),
                            r.predictAnywhere().p50(), r.predictAnywhere().p99()),
                    ShareSummary.f("%.1f / %.1f µs (one SQLite primary-key read)", pk.p50(), pk.p99()),
                    ShareSummary.f("x%.2f (p50, on a route)", r.predictOnRoute().p50() / pk.p50()));
            double perCell = r.route().p50() / r.cellsPerRoute();
            table.add("QoS route 10 km p50 / p99, " + r.store(), ShareSummary.f("%.0f / %.0f µs (%.0f cells: %.1f µs a cell)",
                    r.route().p50(), r.route().p99(), r.cellsPerRoute(), perCell),
                    ShareSummary.f("%.1f µs (its predict p50 on a route)", r.predictOnRoute().p50()),
                    ShareSummary.f("x%.2f a cell", perCell / r.predictOnRoute().p50()));
        }
        phase.end();

        System.out.println();
        System.out.println("== summary (one measuring thread; see the per-part CPU lines for background threads)");
        table.print();
    }

    /** Loads and compiles the code paths once on a separate small city, so the measured one's ids and heap stay clean. */
    private static void warmUp(double radiusKm) throws Exception {
        ShareWorld small = new ShareWorld(5_000, radiusKm, 99);
        ShareRegistryBench reg = new ShareRegistryBench(small, 1);
        ProviderRegistry r = new ProviderRegistry();
        ShareRegistryBench.Fill fill = reg.fillAndMeasure(r, false);
        ShareDevices devices = new ShareDevices();
        ScheduledExecutorService scheduler = daemonScheduler();
        try (ShareService service = service(devices, scheduler)) {
            ShareRegistryBench.Replies replies = new ShareRegistryBench.Replies();
            reg.fillService(service, devices, fill.frames(), replies);
            reg.refreshRounds(r, service, replies);
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static ScheduledExecutorService daemonScheduler() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "share-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    /** The service as SignalServer starts it (in-memory maps), with an hour's TTL so nothing expires mid-run. */
    private static ShareService service(ShareDevices devices, ScheduledExecutorService scheduler) throws Exception {
        ShareConfig config = ShareConfig.defaults().withProviderTtl(Duration.ofHours(1));
        return new ShareService(config, new ProviderRegistry(), ShareMaps.open(null, config), devices, scheduler,
                System::currentTimeMillis);
    }

    /** Wall time, the main thread's CPU time and the whole process's CPU time of one part (cores used = CPU / wall). */
    private static final class Phase {
        private long wall, thread, gcCount, gcMillis;
        private double process;

        private static long[] gc() {
            long n = 0, ms = 0;
            for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (b.getName().contains("Concurrent")) {
                    continue; // G1's concurrent cycles run beside the application; only pauses stop it
                }
                n += Math.max(0, b.getCollectionCount());
                ms += Math.max(0, b.getCollectionTime());
            }
            return new long[] {n, ms};
        }

        void start(String title) {
            System.out.println();
            System.out.println("== " + title);
            wall = System.nanoTime();
            thread = THREADS.getCurrentThreadCpuTime();
            process = ProcCpu.seconds(ProcCpu.self());
            long[] g = gc();
            gcCount = g[0];
            gcMillis = g[1];
        }

        void end() {
            double w = (System.nanoTime() - wall) / 1e9;
            double t = (THREADS.getCurrentThreadCpuTime() - thread) / 1e9;
            double p = ProcCpu.seconds(ProcCpu.self()) - process;
            long[] g = gc();
            System.out.printf(Locale.ROOT, "-- %.1f s wall; main thread %.1f s CPU; whole JVM %.1f s CPU = %.2f cores "
                    + "(GC, JIT and background threads included); %d GC pauses, %.1f s paused%n", w, t, p, p / w,
                    g[0] - gcCount, (g[1] - gcMillis) / 1e3);
        }
    }
}
