package dev.peerlink.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.testkit.netns.ExecResult;
import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.Router;
import dev.peerlink.testkit.netns.ServerHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The exit topology on the NAT bed, run through the real CLI: {@code peerlink server} on the server host, the
 * python web server on the open host, {@code share offer} providers behind cone NATs (each knows
 * {@value ExitWeb#NAME}; nobody else does) and one {@code share use} requester behind the symmetric NAT with its
 * SOCKS5 proxy on {@value #SOCKS} and HTTP proxy on {@value #HTTP} inside its namespace. Curl runs in the
 * requester's namespace.
 */
final class ExitBed implements AutoCloseable {
    static final Duration STEP = Duration.ofSeconds(90);
    static final String SOCKS = "127.0.0.1:1080";
    static final String HTTP = "127.0.0.1:8118";
    static final Path CURL = Path.of("/usr/bin/curl");
    /** The requester stands at the centre of a station hall; providers stand 10-30 m away. */
    static final String HERE = "31.2397,121.4998,-10";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A provider: its id, where it runs, the router whose WAN address the web server sees, its process. */
    record Provider(String id, NatType nat, Host host, Router router, String at, HostProcess process) {
        String wan() {
            return router.wanAddress().getHostAddress();
        }
    }

    /** One curl run: exit code, {@code %{http_code}}, {@code %{http_connect}}, timings (s), bytes, stderr. */
    record Curl(int exit, int http, int connect, double startTransfer, double total, long size, String error) {
        boolean ok() {
            return exit == 0 && http == 200;
        }
    }

    final NatTestBed bed;
    final Path dir;
    final ExitNames names = new ExitNames();
    /** JVM options for the peerlink processes; null: the bed's client-VM flags ({@link Host#javaCommand}). */
    private final List<String> jvm;
    final Map<String, Provider> providers = new LinkedHashMap<>();
    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<Stamped> timeline = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExitWeb web;
    HostProcess server;
    HostProcess requester;

    ExitBed(NatTestBed bed, Path dir, List<String> jvm) {
        this.bed = bed;
        this.dir = dir;
        this.jvm = jvm;
    }

    /** Why the exit bed cannot run here besides the bed itself (curl, python3, openssl), or null. */
    static String unavailable() {
        return Files.isExecutable(CURL) ? ExitWeb.unavailable() : CURL + " not installed";
    }

    Host requesterHost() {
        return bed.client(NatType.SYMMETRIC, 0);
    }

    /** Server, web server and name files; the providers' and the requester's names are written before they start. */
    void start(int bigBytes, NatType... providerNats) throws IOException, InterruptedException {
        for (NatType nat : providerNats) {
            Router r = bed.router(nat);
            names.write(bed.client(nat), Map.of(ExitWeb.NAME, bed.openHost().address().getHostAddress(),
                    // a name the exit resolves to its own LAN's gateway: refused after resolution, not before
                    "intranet.test", r.lanAddress().getHostAddress()));
        }
        names.write(requesterHost(), Map.of());
        web = ExitWeb.start(bed.openHost(), dir.resolve("web"), bigBytes);
        running.add(web);
        ServerHost s = bed.server();
        String ip = s.primaryAddress().getHostAddress();
        server = s.start(java(s, "server", "--listen", ip + ":7000", "--stun", ip + ":3478", "--stun-alternate",
                s.alternateAddress().getHostAddress() + ":3479", "--relay", ip + ":3480", "--data",
                dir.resolve("server-data").toString()));
        running.add(server);
        server.awaitOutput(Pattern.compile("signalling on"), STEP);
    }

    String serverAddress() {
        return bed.server().primaryAddress().getHostAddress() + ":7000";
    }

    /** Starts {@code share offer} as {@code id} on the client behind {@code nat}; {@link #awaitOffering} waits for it. */
    Provider launchProvider(String id, NatType nat, String at) {
        Host host = bed.client(nat);
        HostProcess p = host.start(java(host, "share", "offer", "--id", id, "--server", serverAddress(), "--home",
                dir.resolve("keys").resolve(id).toString(), "--at", at, "--services", "socks5,http-connect",
                "--down-kbps", "20000", "--up-kbps", "20000", "--network-type", "wifi"));
        running.add(p);
        Provider provider = new Provider(id, nat, host, bed.router(nat), at, p);
        providers.put(id, provider);
        return provider;
    }

    static void awaitOffering(Provider p) {
        p.process().awaitOutput(Pattern.compile("\"event\":\"offering\""), STEP);
    }

    /** Starts {@code share use --providers k} behind the symmetric NAT and waits until its proxies listen. */
    HostProcess startRequester(int k) {
        Host host = requesterHost();
        requester = host.start(java(host, "share", "use", "--id", "phone", "--server", serverAddress(), "--home",
                dir.resolve("keys").resolve("phone").toString(), "--at", HERE, "--scene", "subway-hall", "--radius", "100",
                "--providers", String.valueOf(k), "--socks", SOCKS, "--http", HTTP));
        running.add(requester);
        HostProcess watched = requester;
        Thread.ofPlatform().name("exit-event-clock").daemon().start(() -> {
            // stamps each event line when it shows up on stderr (polled every 5 ms): when the exit switched
            int seen = 0;
            while (watched.isAlive()) {
                List<String> lines = watched.stderrLines();
                long now = System.nanoTime();
                for (; seen < lines.size(); seen++) {
                    if (lines.get(seen).strip().startsWith("{\"event\"")) {
                        timeline.add(new Stamped(now, lines.get(seen).strip()));
                    }
                }
                try {
                    Thread.sleep(5); // a sampling clock, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        requester.awaitOutput(Pattern.compile("\"event\":\"proxy\""), STEP);
        return requester;
    }

    /** An event line of the requester and when it was seen (nanoTime, within 5 ms). */
    record Stamped(long nanos, String line) {}

    /** The requester's event lines stamped with when they appeared. */
    List<Stamped> timeline() {
        return List.copyOf(timeline);
    }

    private List<String> java(Host host, String... args) {
        if (jvm == null) {
            return host.javaCommand("dev.peerlink.cli.Main", args);
        }
        String javaBin = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(javaBin));
        cmd.addAll(jvm);
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.peerlink.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    // ---------------------------------------------------------------- the requester's events

    /** The JSON events the requester printed so far, in order. */
    List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        for (String line : requester.stderrLines()) {
            String t = line.strip();
            if (t.startsWith("{\"event\"")) {
                try {
                    out.add(JSON.readTree(t));
                } catch (IOException e) {
                    throw new AssertionError("the requester printed a broken event: " + t, e);
                }
            }
        }
        return out;
    }

    /** The events named {@code name} from position {@code from} of {@link #events()} on. */
    List<JsonNode> events(String name, int from) {
        List<JsonNode> all = events();
        return all.subList(Math.min(from, all.size()), all.size()).stream()
                .filter(e -> e.path("event").asText().equals(name)).toList();
    }

    /** The provider the last {@code exit} event named, or null before the first. */
    String currentExit() {
        List<JsonNode> exits = events("exit", 0);
        return exits.isEmpty() ? null : exits.getLast().path("provider").asText();
    }

    /** Ids of the providers connected now: connected events not followed by a provider-lost of the same id. */
    List<String> connected() {
        List<String> up = new ArrayList<>();
        for (JsonNode e : events()) {
            String id = e.path("provider").asText();
            switch (e.path("event").asText()) {
                case "connected" -> up.add(id);
                case "provider-lost" -> up.remove(id);
                default -> { }
            }
        }
        return up;
    }

    Provider providerByWan(String wan) {
        return providers.values().stream().filter(p -> p.wan().equals(wan)).findFirst().orElse(null);
    }

    // ---------------------------------------------------------------- curl in the requester's namespace

    /** Runs curl in {@code host}'s namespace, the body to {@code out}; {@code args} name the proxy and URL. */
    static Curl curl(Host host, Path out, double maxTimeS, String... args) {
        List<String> cmd = new ArrayList<>(List.of(CURL.toString(), "-sS", "--max-time", String.valueOf(maxTimeS),
                "-o", out.toString(), "-w", "%{http_code} %{http_connect} %{time_starttransfer} %{time_total} %{size_download}"));
        cmd.addAll(List.of(args));
        ExecResult r = host.exec(Duration.ofMillis((long) (maxTimeS * 1000) + 15_000), cmd.toArray(String[]::new));
        String[] w = r.stdout().strip().split(" ");
        if (w.length < 5) {
            return new Curl(r.exitCode(), 0, 0, 0, 0, 0, r.stderr().strip() + " " + r.stdout().strip());
        }
        return new Curl(r.exitCode(), Integer.parseInt(w[0]), Integer.parseInt(w[1]), Double.parseDouble(w[2]),
                Double.parseDouble(w[3]), Long.parseLong(w[4]), r.stderr().strip());
    }

    Curl curl(Path out, double maxTimeS, String... args) {
        return curl(requesterHost(), out, maxTimeS, args);
    }

    /** curl arguments: {@code extra}, then the SOCKS5 proxy (names resolved by the proxy), then the URL (last). */
    static String[] socks(String url, String... extra) {
        return args(extra, "--socks5-hostname", SOCKS, url);
    }

    /** Through the HTTP proxy: absolute-form for http://, CONNECT for https://. */
    static String[] httpProxy(String url, String... extra) {
        return args(extra, "-x", "http://" + HTTP, url);
    }

    /** Through the HTTP proxy with CONNECT, also for http:// ({@code curl -p}). */
    static String[] tunnel(String url, String... extra) {
        return args(extra, "-p", "-x", "http://" + HTTP, url);
    }

    private static String[] args(String[] extra, String... then) {
        List<String> all = new ArrayList<>(List.of(extra));
        all.addAll(List.of(then));
        return all.toArray(String[]::new);
    }

    // ---------------------------------------------------------------- processes

    /** Kills a process as a crash would (SIGKILL, no goodbye to its peers): the process and what it started. */
    static void crash(HostProcess p) {
        ProcessHandle.of(p.pid()).ifPresent(h -> {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
            h.onExit().join();
        });
    }

    /** Starts a provider again after a crash, with the same id, keys and place; waits until it offers. */
    Provider restart(Provider p) {
        p.process().close();
        running.remove(p.process());
        Provider again = launchProvider(p.id(), p.nat(), p.at());
        awaitOffering(again);
        return again;
    }

    /** User + system CPU time of a process so far, in seconds (from /proc/PID/stat; Linux's USER_HZ is 100). */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // the command name may hold spaces: count from ")": f[0] is field 3 (state), utime is field 14, stime 15
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    @Override
    public void close() throws IOException {
        for (Provider p : providers.values()) {
            p.router().clearLoss();
        }
        for (AutoCloseable c : running.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                System.out.println("closing " + c + ": " + e);
            }
        }
        names.close();
    }
}
