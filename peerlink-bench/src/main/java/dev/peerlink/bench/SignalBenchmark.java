package dev.peerlink.bench;

import dev.peerlink.peer.Brokered;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signalling capacity harness. Runs the server in a child JVM (so its heap and RSS are its own),
 * registers {@code devices} idle clients over loopback, reports heap (after GC) and RSS per device
 * and the server's CPU while idle (heartbeats), then brokers connect requests between device pairs
 * for {@code seconds} and reports connects/s.
 *
 * <pre>java -cp ... dev.peerlink.bench.SignalBenchmark [devices=1000] [seconds=10] [heartbeatSeconds=25] [concurrency=64]</pre>
 * The open-file limit bounds {@code devices} (two descriptors per device on one host).
 */
public final class SignalBenchmark {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("server")) {
            serve(Integer.parseInt(args[1]));
            return;
        }
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int heartbeat = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 64;

        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), SignalBenchmark.class.getName(), "server",
                Integer.toString(heartbeat)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // Drain the child's stdout continuously: its log lines share it, and a full pipe would stall it.
        java.util.concurrent.BlockingQueue<String> out = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream()))) {
                for (String l; (l = r.readLine()) != null; ) {
                    if (l.startsWith("URL ") || l.startsWith("STATS ")) {
                        out.add(l);
                    }
                }
            } catch (java.io.IOException e) {
                // child gone
            }
        }, "child-stdout");
        drain.setDaemon(true);
        drain.start();
        PrintWriter in = new PrintWriter(server.getOutputStream(), true);
        String url = line(out, "URL ");
        System.out.printf("server pid %d at %s%n", server.pid(), url);
        try {
            String[] base = stats(in, out);
            ScheduledExecutorService exec = Executors.newScheduledThreadPool(2);
            List<SignallingClient> clients = new ArrayList<>();
            long t0 = System.nanoTime();
            Semaphore inflight = new Semaphore(200);
            List<CompletableFuture<?>> regs = new ArrayList<>();
            for (int i = 0; i < devices; i++) {
                if (i > 0 && i % 500 == 0) {
                    System.out.printf("  %d registering...%n", i);
                }
                SignallingClient c = SignallingClient.builder().server(URI.create(url)).executor(exec)
                        .identity(DeviceIdentity.ephemeral(DeviceId.of("bench-" + i))).requestTimeout(Duration.ofSeconds(30)).build();
                clients.add(c);
                c.onIncoming(r -> r.accept(JsonBlob.EMPTY));
                inflight.acquire();
                regs.add(c.start().whenComplete((r, e) -> inflight.release()));
            }
            CompletableFuture.allOf(regs.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            double regSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("registered %d devices in %.1f s (%.0f/s)%n", devices, regSeconds, devices / regSeconds);
            double cpu0 = ProcCpu.seconds(server.pid());
            Thread.sleep(Math.max(5_000, heartbeat * 2_000L)); // a bench, not a test: idle on purpose
            double cpuIdle = ProcCpu.seconds(server.pid()) - cpu0;
            double idleWindow = Math.max(5, heartbeat * 2);
            String[] loaded = stats(in, out);
            long heap = Long.parseLong(loaded[0]) - Long.parseLong(base[0]);
            long rss = Long.parseLong(loaded[1]) - Long.parseLong(base[1]);
            System.out.printf("idle: heap %d B/device, RSS %d B/device, server CPU %.2f%% of a core (heartbeat %d s, %d devices)%n",
                    heap / devices, rss / devices, 100 * cpuIdle / idleWindow, heartbeat, devices);

            AtomicLong done = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            Semaphore window = new Semaphore(concurrency);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            double cpu1 = ProcCpu.seconds(server.pid());
            long start = System.nanoTime();
            int pair = 0;
            while (System.nanoTime() < end) {
                window.acquire();
                int a = (pair++ * 2) % (devices - 1);
                CompletableFuture<Brokered> f = clients.get(a).connect(Identity.device("bench-" + (a + 1)), JsonBlob.EMPTY);
                f.whenComplete((r, e) -> {
                    (e == null && r.accepted() ? done : failed).incrementAndGet();
                    window.release();
                });
            }
            window.acquire(concurrency);
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpu = ProcCpu.seconds(server.pid()) - cpu1;
            System.out.printf("brokered %d connects in %.1f s: %.0f connect/s (%d failed), server CPU %.2f s%n",
                    done.get(), elapsed, done.get() / elapsed, failed.get(), cpu);
            clients.forEach(SignallingClient::close);
            exec.shutdownNow();
        } finally {
            server.destroy();
        }
        System.exit(0);
    }

    /** The child's next line with this prefix (its log lines may share stdout). */
    private static String line(java.util.concurrent.BlockingQueue<String> out, String prefix) throws Exception {
        String l = out.poll(60, TimeUnit.SECONDS);
        if (l == null || !l.startsWith(prefix)) {
            throw new IllegalStateException("server child did not answer " + prefix.strip() + ": " + l);
        }
        return l.substring(prefix.length());
    }

    private static String[] stats(PrintWriter in, java.util.concurrent.BlockingQueue<String> out) throws Exception {
        in.println("stats");
        return line(out, "STATS ").split(" ");
    }

    /** Child: runs the server; answers "stats" with "heapUsedAfterGc rssBytes". */
    private static void serve(int heartbeat) throws Exception {
        try (SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .heartbeat(Duration.ofSeconds(heartbeat))
                .limits(new SignalServerConfig.Limits(64 * 1024, 1000, 2000, Integer.MAX_VALUE, 1024, 10)).build(),
                List.of(), id -> Optional.empty())) {
            System.out.println("URL " + s.url());
            BufferedReader r = new BufferedReader(new InputStreamReader(System.in));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.equals("stats")) {
                    System.gc();
                    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    System.out.println("STATS " + heap + " " + rss());
                }
            }
        }
    }

    private static long rss() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }
}
