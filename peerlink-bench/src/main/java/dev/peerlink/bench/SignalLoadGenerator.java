package dev.peerlink.bench;

import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.protocol.SignallingCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signalling capacity load generator (issue 4, item 7). Drives a signalling server running in
 * another process ({@link SignalBenchServer}, started by {@code bench/signal-bench.sh}) so that its
 * heap, RSS and CPU are the server's alone:
 * <ol>
 *   <li>ramps idle registered devices (Netty WebSocket on epoll, thousands of connections per event
 *       loop, Ed25519 registration per docs/protocol.md with deterministic per-device keys) until the
 *       target count, the server stops accepting, or this process nears its own open-file limit;
 *       each device pings at the server-advertised {@code heartbeatMs};</li>
 *   <li>measures the server's heap after a full GC ({@code jcmd GC.run}, {@code GC.heap_info}) and
 *       VmRSS against the baseline taken before the ramp, and its CPU over an idle window;</li>
 *   <li>pushes past the limit from a second process ({@code overflow} mode: this process has the
 *       same open-file limit as the server) and checks that the server refuses cleanly and keeps
 *       serving the devices it holds (every one still connected and answered a ping);</li>
 *   <li>brokers {@code connect} requests between registered pairs (the target auto-accepts) for a
 *       fixed time with a fixed window of outstanding requests: round trips/s, p50/p99 latency.</li>
 * </ol>
 * <pre>
 * SignalLoadGenerator &lt;ws-url&gt; &lt;serverPid&gt; [--devices N] [--inflight N] [--idle S] [--overflow N]
 *                     [--connect-seconds S] [--window N] [--histogram FILE]
 * SignalLoadGenerator overflow &lt;ws-url&gt; &lt;count&gt; &lt;holdSeconds&gt;
 * </pre>
 * Loopback only; every phase is bounded in time.
 */
public final class SignalLoadGenerator {
    private static final SignallingCodec CODEC = SignallingCodec.standard();
    private static final int OVERFLOW_BASE = 1_000_000;

    private final URI uri;
    private final MultiThreadIoEventLoopGroup group;
    private final Bootstrap bootstrap;
    private final List<Dev> devices = new ArrayList<>();
    private final LongAdder pongs = new LongAdder();
    private final AtomicInteger drops = new AtomicInteger();
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final AtomicInteger heartbeatMs = new AtomicInteger();
    /** Connect bench: rid → send time; latencies in µs. */
    private final Map<String, Long> outstanding = new ConcurrentHashMap<>();
    private final Semaphore window = new Semaphore(0);
    private final LongAdder answered = new LongAdder();
    private final Map<String, AtomicInteger> connectErrors = new ConcurrentHashMap<>();
    private long[] latencies = new long[0];
    private final AtomicInteger latencyCount = new AtomicInteger();
    private volatile boolean recording;

    private SignalLoadGenerator(URI uri, int threads) {
        this.uri = uri;
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("gen-io", true), EpollIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_RCVBUF, 16 * 1024)
                .option(ChannelOption.SO_SNDBUF, 16 * 1024);
    }

    /** One simulated device: its key, its channel, its state. */
    final class Dev {
        final int index;
        final DeviceId id;
        final KeyPair key;
        final java.util.concurrent.CompletableFuture<Boolean> registered = new java.util.concurrent.CompletableFuture<>();
        volatile Channel ch;
        volatile long lastPongNanos;
        volatile String failure;

        Dev(int index, KeyPair key) {
            this.index = index;
            this.id = DeviceId.of("bench-" + index);
            this.key = key;
        }

        void send(Message m) {
            Channel c = ch;
            if (c != null) {
                c.writeAndFlush(new TextWebSocketFrame(CODEC.encode(m)), c.voidPromise());
            }
        }

        /** Registration failed (first reason wins); the reason is set before the future completes. */
        void fail(String why) {
            synchronized (this) {
                if (registered.isDone()) {
                    return;
                }
                failure = why;
            }
            registered.complete(false);
        }

        boolean alive() {
            Channel c = ch;
            return c != null && c.isActive() && registered.getNow(false);
        }
    }

    final class Handler extends SimpleChannelInboundHandler<Object> {
        private final Dev dev;

        Handler(Dev dev) {
            this.dev = dev;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                fail("handshake-timeout");
                ctx.close();
            }
            super.userEventTriggered(ctx, evt);
        }

        private void fail(String why) {
            dev.fail(why);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws ProtocolException {
            if (!(msg instanceof TextWebSocketFrame f)) {
                return;
            }
            Message m = CODEC.decode(f.text());
            switch (m) {
                case Message.Challenge c -> dev.send(new Message.Register("r", dev.id, Ed25519.encodePublicKey(dev.key.getPublic()),
                        Ed25519.signRegistration(dev.key.getPrivate(), Ed25519.unb64(c.nonce()), dev.id), Aliases.NONE, null,
                        NetworkInfo.EMPTY));
                case Message.Registered r -> {
                    heartbeatMs.set((int) r.heartbeatMs());
                    long hb = r.heartbeatMs();
                    // Random phase so the devices' heartbeats spread evenly over the interval.
                    ctx.executor().scheduleAtFixedRate(() -> dev.send(new Message.Ping(null)),
                            ThreadLocalRandom.current().nextLong(hb), hb, TimeUnit.MILLISECONDS);
                    dev.registered.complete(true);
                }
                case Message.Pong p -> {
                    pongs.increment();
                    dev.lastPongNanos = System.nanoTime();
                }
                case Message.Incoming i -> dev.send(new Message.Answer("a", i.session(), true, JsonBlob.EMPTY, null));
                case Message.Answered a -> connectDone(a.rid(), a.accept() ? null : "refused");
                case Message.Ok o -> { }
                case Message.Error e -> {
                    if (e.rid() != null && e.rid().startsWith("c")) {
                        connectDone(e.rid(), e.code());
                    } else {
                        errors.computeIfAbsent(e.code(), k -> new AtomicInteger()).incrementAndGet();
                        fail("error-" + e.code());
                    }
                }
                default -> errors.computeIfAbsent("unexpected-" + m.type(), k -> new AtomicInteger()).incrementAndGet();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (dev.registered.getNow(false)) {
                drops.incrementAndGet();
            } else {
                fail("closed-before-registered");
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail("exception-" + cause.getClass().getSimpleName());
            ctx.close();
        }
    }

    private void connectDone(String rid, String error) {
        Long t0 = outstanding.remove(rid);
        if (t0 == null) {
            return;
        }
        if (error == null) {
            answered.increment();
            if (recording) {
                int n = latencyCount.getAndIncrement();
                if (n < latencies.length) {
                    latencies[n] = (System.nanoTime() - t0) / 1000;
                }
            }
        } else {
            connectErrors.computeIfAbsent(error, k -> new AtomicInteger()).incrementAndGet();
        }
        window.release();
    }

    /** Deterministic Ed25519 keys: the seed of device i is SHA-256("peerlink-bench-" + i). */
    private static final class SeededRandom extends SecureRandom {
        byte[] seed;

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }

    private final SeededRandom seeded = new SeededRandom();
    private KeyPairGenerator keyGen;

    private KeyPair key(int index) throws Exception {
        if (keyGen == null) {
            keyGen = KeyPairGenerator.getInstance("Ed25519");
        }
        seeded.seed = MessageDigest.getInstance("SHA-256").digest(("peerlink-bench-" + index).getBytes(StandardCharsets.US_ASCII));
        keyGen.initialize(NamedParameterSpec.ED25519, seeded);
        return keyGen.generateKeyPair();
    }

    private Dev open(int index) throws Exception {
        Dev d = new Dev(index, key(index));
        synchronized (devices) {
            devices.add(d);
        }
        WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri)
                .handshakeTimeoutMillis(10_000).maxFramePayloadLength(64 * 1024).build();
        ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192), new WebSocketClientProtocolHandler(ws),
                        new Handler(d));
            }
        }).connect(uri.getHost(), uri.getPort());
        d.ch = f.channel();
        f.addListener(x -> {
            if (!x.isSuccess()) {
                d.fail("connect-" + x.cause().getClass().getSimpleName());
            }
        });
        // No answer at all (a connection sitting in a full server's accept queue): give up after 15 s.
        group.next().schedule(() -> {
            if (!d.registered.isDone()) {
                d.fail("no-registration-in-15s");
                d.ch.close();
            }
        }, 15, TimeUnit.SECONDS);
        return d;
    }

    // ---- measurements of the server process ------------------------------------------------

    private static String jcmd(long pid, String... command) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(Long.toString(pid));
        cmd.addAll(Arrays.asList(command));
        try {
            double oc0 = ProcCpu.seconds(pid);
            long ot0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "JCMD-FAILED " + out;
            }
            return out;
        } catch (IOException | InterruptedException e) {
            return "JCMD-FAILED " + e;
        }
    }

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    /** Heap in use right after a full GC, bytes (all generations: G1's one line, Serial's young + tenured); -1 when jcmd failed. */
    static long heapAfterGc(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        long used = 0;
        boolean any = false;
        for (String l : info.lines().toList()) {
            Matcher m = USED.matcher(l);
            if (!l.contains("Metaspace") && !l.contains("class space") && m.find()) {
                used += Long.parseLong(m.group(1)) * 1024;
                any = true;
            }
        }
        if (!any) {
            System.out.println("  (GC.heap_info unreadable: " + info.strip().replace('\n', ' ') + ")");
            return -1;
        }
        System.out.println("  GC.heap_info: " + info.lines().map(String::strip).filter(l -> l.contains("used"))
                .collect(java.util.stream.Collectors.joining(" | ")));
        return used;
    }

    static long statusKb(long pid, String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith(field + ":")) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // gone
        }
        return -1;
    }

    static long openFiles(long pid) {
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    static String fileLimit(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
                if (l.startsWith("Max open files")) {
                    String[] f = l.trim().split("\\s+");
                    return f[3] + " soft / " + f[4] + " hard";
                }
            }
        } catch (IOException e) {
            // gone
        }
        return "?";
    }

    static long ownFileLimit() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean u ? u.getMaxFileDescriptorCount() : 1024;
    }

    static long ownOpenFiles() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean u ? u.getOpenFileDescriptorCount() : -1;
    }

    // ---- phases ---------------------------------------------------------------------------------

    /** Opens devices index from..from+count-1, at most {@code inflight} registering at once; stops early when the server stops taking them. */
    private int ramp(int from, int count, int inflight, long fdBudget, boolean verbose) throws Exception {
        Semaphore slots = new Semaphore(inflight);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger consecutiveFailures = new AtomicInteger();
        Map<String, AtomicInteger> failures = new TreeMap<>();
        long t0 = System.nanoTime();
        int opened = 0;
        for (int i = 0; i < count; i++) {
            if (consecutiveFailures.get() >= Math.max(50, inflight)) {
                if (verbose) {
                    System.out.printf("  ramp: %d consecutive registrations failed: server full%n", consecutiveFailures.get());
                }
                break;
            }
            if (fdBudget > 0 && i % 256 == 0 && ownOpenFiles() >= fdBudget) {
                if (verbose) {
                    System.out.printf("  ramp: generator at its own open-file budget (%d of %d)%n", ownOpenFiles(), ownFileLimit());
                }
                break;
            }
            slots.acquire();
            Dev d = open(from + i);
            opened++;
            d.registered.whenComplete((r, e) -> {
                if (Boolean.TRUE.equals(r)) {
                    ok.incrementAndGet();
                    consecutiveFailures.set(0);
                } else {
                    consecutiveFailures.incrementAndGet();
                    synchronized (failures) {
                        failures.computeIfAbsent(String.valueOf(d.failure), k -> new AtomicInteger()).incrementAndGet();
                    }
                }
                slots.release();
            });
            if (verbose && (i + 1) % 2000 == 0) {
                System.out.printf("  ramp: %d opened, %d registered, %.1f s%n", i + 1, ok.get(), (System.nanoTime() - t0) / 1e9);
            }
        }
        slots.acquire(inflight); // every attempt finished (registered or failed)
        slots.release(inflight);
        double s = (System.nanoTime() - t0) / 1e9;
        if (verbose) {
            System.out.printf("ramp: %d attempts, %d registered in %.1f s (%.0f registrations/s); failures %s%n", opened, ok.get(), s,
                    ok.get() / s, failures);
        }
        return ok.get();
    }

    private List<Dev> alive() {
        synchronized (devices) {
            return devices.stream().filter(Dev::alive).toList();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("overflow")) {
            overflow(URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        URI uri = URI.create(args[0]);
        long pid = Long.parseLong(args[1]);
        int target = 1_000_000;
        int inflight = 200;
        int idle = 60;
        int overflow = 500;
        int connectSeconds = 20;
        int windowSize = 64;
        int threads = 2;
        int base = 0;
        int connectToBase = -1;
        Path connectGate = null;
        int connectPairs = 0;
        int warmupSeconds = 2;
        for (int i = 2; i < args.length; i += 2) {
            switch (args[i]) {
                case "--devices" -> target = Integer.parseInt(args[i + 1]);
                case "--inflight" -> inflight = Integer.parseInt(args[i + 1]);
                case "--idle" -> idle = Integer.parseInt(args[i + 1]);
                case "--overflow" -> overflow = Integer.parseInt(args[i + 1]);
                case "--connect-seconds" -> connectSeconds = Integer.parseInt(args[i + 1]);
                case "--window" -> windowSize = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                // cluster bench: several generators, each with its own id range, connecting into another's range
                case "--base" -> base = Integer.parseInt(args[i + 1]);
                case "--connect-to-base" -> connectToBase = Integer.parseInt(args[i + 1]);
                case "--connect-gate" -> connectGate = Path.of(args[i + 1]);
                // only the first N devices initiate (so a warm-up visits every target once: registry caches warm)
                case "--connect-pairs" -> connectPairs = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmupSeconds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        SignalLoadGenerator g = new SignalLoadGenerator(uri, threads);
        System.out.printf("server pid %d at %s; open files: server %s, generator %d; JVM %s%n", pid, uri, fileLimit(pid), ownFileLimit(),
                Runtime.version());

        // -- baseline
        long heap0 = heapAfterGc(pid);
        long rss0 = statusKb(pid, "VmRSS");
        long fds0 = openFiles(pid);
        System.out.printf("baseline: heap after GC %.1f MB, VmRSS %.1f MB, %d open files%n", heap0 / 1e6, rss0 / 1e3, fds0);

        // -- ramp: this process keeps 100 descriptors for itself (jars, epoll, jcmd pipes)
        int held = g.ramp(base, target, inflight, ownFileLimit() - 100, true);
        Thread.sleep(2000);
        List<Dev> live = g.alive();
        long fds1 = openFiles(pid);
        System.out.printf("held: %d devices registered and connected (server has %d open files; heartbeat %d ms)%n", live.size(), fds1,
                g.heartbeatMs.get());

        // -- heap and RSS per device
        long heap1 = heapAfterGc(pid);
        long rss1 = statusKb(pid, "VmRSS");
        double heapPer = (heap1 - heap0) / (double) live.size();
        double rssPer = (rss1 - rss0) * 1024.0 / live.size();
        System.out.printf("memory: heap after GC %.1f MB (+%.1f MB), VmRSS %.1f MB (+%.1f MB)%n", heap1 / 1e6, (heap1 - heap0) / 1e6,
                rss1 / 1e3, (rss1 - rss0) / 1e3);
        System.out.printf("RESULT devices=%d heap_per_device_B=%.0f rss_per_device_B=%.0f%n", live.size(), heapPer, rssPer);

        // -- idle window: heartbeats only
        long pongs0 = g.pongs.sum();
        double cpu0 = ProcCpu.seconds(pid);
        double mach0 = ProcCpu.machineBusy();
        double self0 = ProcCpu.seconds(ProcCpu.self());
        long w0 = System.nanoTime();
        Thread.sleep(idle * 1000L);
        double win = (System.nanoTime() - w0) / 1e9;
        double cpu = ProcCpu.seconds(pid) - cpu0;
        double other = ProcCpu.machineBusy() - mach0 - cpu - (ProcCpu.seconds(ProcCpu.self()) - self0);
        long pongsWin = g.pongs.sum() - pongs0;
        System.out.printf("idle %.0f s: %d pings answered (%.0f/s), server CPU %.2f s = %.2f %% of one core (%.1f us per heartbeat); "
                        + "other processes used %.1f CPU-s%s%n", win, pongsWin, pongsWin / win, cpu, 100 * cpu / win,
                pongsWin == 0 ? 0 : 1e6 * cpu / pongsWin, other, other > 0.1 * win ? " (CONTENDED)" : "");
        System.out.printf("RESULT heartbeat_cpu_pct=%.2f heartbeats_per_s=%.0f drops=%d%n", 100 * cpu / win, pongsWin / win, g.drops.get());
        String histogram = jcmd(pid, "GC.class_histogram");
        System.out.println("server heap histogram (top 25):");
        histogram.lines().limit(28).forEach(l -> System.out.println("  " + l));

        // -- past the limit, from a second process
        if (overflow > 0) {
            int hb = Math.max(1000, g.heartbeatMs.get());
            int hold = (int) Math.ceil((hb * 1.5 + 5000) / 1000.0);
            long marker = System.nanoTime();
            int dropsBefore = g.drops.get();
            System.out.printf("overflow: a second process opens %d more devices and holds them %d s%n", overflow, hold);
            double oc0 = ProcCpu.seconds(pid);
            long ot0 = System.nanoTime();
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), SignalLoadGenerator.class.getName(), "overflow", uri.toString(),
                    Integer.toString(overflow), Integer.toString(hold)).redirectErrorStream(true).start();
            Thread.sleep(hb * 3L / 2 + 3000); // every held device should have pinged and been answered in this time
            long serverFds = openFiles(pid);
            double overflowCpu = 100 * (ProcCpu.seconds(pid) - oc0) / ((System.nanoTime() - ot0) / 1e9);
            List<Dev> all = g.alive();
            long answeredSince = all.stream().filter(d -> d.lastPongNanos - marker > 0).count();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            out.lines().forEach(l -> System.out.println("  " + l));
            System.out.printf("at the limit: server CPU %.1f %% of one core while refusing%n", overflowCpu);
            System.out.printf("at the limit: server %s, %d open files; of the %d held devices %d still connected, %d answered a ping "
                    + "while the limit was hit, %d dropped%n", ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                    ? "alive" : "DEAD", serverFds, live.size(), all.size(), answeredSince, g.drops.get() - dropsBefore);
            System.out.printf("RESULT limit_still_connected=%d limit_answered=%d limit_dropped=%d%n", all.size(), answeredSince,
                    g.drops.get() - dropsBefore);
            Thread.sleep(2000);
        }

        // -- connect brokering
        List<Dev> pairs = g.alive();
        int npairs = pairs.size() / 2;
        if (connectGate != null) { // every generator's devices are up before anyone connects into another's range
            System.out.println("GATE waiting for " + connectGate);
            System.out.flush();
            while (!java.nio.file.Files.exists(connectGate)) {
                Thread.sleep(200);
            }
        }
        if (connectSeconds > 0 && npairs > 0) {
            System.out.printf("CONNECT-START %d%n", System.currentTimeMillis());
            g.latencies = new long[4_000_000];
            g.window.release(windowSize);
            double c0 = ProcCpu.seconds(pid);
            long start = System.nanoTime();
            long warmEnd = start + warmupSeconds * 1_000_000_000L;
            long end = warmEnd + connectSeconds * 1_000_000_000L;
            long n = 0;
            long answered0 = 0;
            double cw = 0;
            long measuredStart = 0;
            while (true) {
                long now = System.nanoTime();
                if (!g.recording && now >= warmEnd) {
                    answered0 = g.answered.sum();
                    cw = ProcCpu.seconds(pid);
                    measuredStart = now;
                    g.recording = true;
                }
                if (now >= end) {
                    break;
                }
                if (!g.window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                // Every device initiates in turn (to the next one): a device may have only 32 live sessions
                // it initiated, and accepted sessions live on for sessionIdle (10 min).
                int k = (int) (n % (connectPairs > 0 ? Math.min(connectPairs, pairs.size()) : pairs.size()));
                Dev a = pairs.get(k);
                int limit = connectPairs > 0 ? Math.min(connectPairs, pairs.size()) : pairs.size();
                DeviceId to = connectToBase < 0 ? pairs.get((k + 1) % pairs.size()).id
                        : connectToBase == base ? DeviceId.of("bench-" + (base + (a.index - base + 1) % limit)) // own range
                        : DeviceId.of("bench-" + (connectToBase + (a.index - base)));
                String rid = "c" + n;
                String session = String.format("s%d-%011d", base, n); // unique across generators: sessions are mirrored between instances
                n++;
                g.outstanding.put(rid, System.nanoTime());
                a.send(new Message.Connect(rid, Identity.device(to), session, JsonBlob.EMPTY));
            }
            g.recording = false;
            System.out.printf("CONNECT-END %d%n", System.currentTimeMillis());
            double elapsed = (System.nanoTime() - measuredStart) / 1e9;
            long done = g.answered.sum() - answered0;
            double cpu2 = ProcCpu.seconds(pid) - cw;
            g.window.tryAcquire(windowSize, 5, TimeUnit.SECONDS);
            int count = Math.min(g.latencyCount.get(), g.latencies.length);
            long[] lat = Arrays.copyOf(g.latencies, count);
            Arrays.sort(lat);
            System.out.printf("connect: %d devices, window %d, %d s measured (after " + warmupSeconds + " s warm-up): %d brokered (%.0f/s), "
                            + "latency p50 %.2f ms p99 %.2f ms max %.2f ms; server CPU %.2f s (%.0f us per connect); errors %s, %d unanswered%n",
                    pairs.size(), windowSize, connectSeconds, done, done / elapsed, pct(lat, 0.50) / 1e3, pct(lat, 0.99) / 1e3,
                    count == 0 ? 0 : lat[count - 1] / 1e3, cpu2, done == 0 ? 0 : 1e6 * cpu2 / done, g.connectErrors, g.outstanding.size());
            System.out.printf("RESULT connects_per_s=%.0f p50_ms=%.2f p99_ms=%.2f%n", done / elapsed, pct(lat, 0.50) / 1e3,
                    pct(lat, 0.99) / 1e3);
        }
        System.out.printf("end: %d devices connected, %d dropped during the run, device errors %s%n", g.alive().size(), g.drops.get(),
                g.errors);
        g.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        System.exit(0);
    }

    private static long pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
    }

    /** Child mode: tries {@code count} more devices against a server that should be full; reports what happened to them. */
    private static void overflow(URI uri, int count, int holdSeconds) throws Exception {
        SignalLoadGenerator g = new SignalLoadGenerator(uri, 1);
        long t0 = System.nanoTime();
        List<Dev> tried = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tried.add(g.open(OVERFLOW_BASE + i));
        }
        for (Dev d : tried) {
            d.registered.get(30, TimeUnit.SECONDS);
        }
        Map<String, Integer> outcome = new TreeMap<>();
        for (Dev d : tried) {
            outcome.merge(d.registered.getNow(false) ? "registered" : String.valueOf(d.failure), 1, Integer::sum);
        }
        System.out.printf("OVERFLOW %d attempts in %.1f s: %s%n", count, (System.nanoTime() - t0) / 1e9, outcome);
        long left = holdSeconds * 1000L - (System.nanoTime() - t0) / 1_000_000;
        if (left > 0) {
            Thread.sleep(left);
        }
        System.out.printf("OVERFLOW end: %d of them still connected%n", g.alive().size());
        System.exit(0);
    }
}
