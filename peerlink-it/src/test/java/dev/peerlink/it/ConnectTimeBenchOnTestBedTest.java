package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.TestBedExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 5: time from the start of a {@code peerlink connect} process to its first byte, on a cone pair
 * (port-restricted cone to port-restricted cone: path punch), through the real CLI with {@code --timing} (per-phase
 * milliseconds from process start: main, registered, nat, connected, first-byte-out, first-byte-in). Not part of the
 * default test run (tag {@code bench}; {@code bench/connect-time-bench.sh}).
 *
 * <p>Variants, interleaved round by round so that load from other users of the machine spreads over all of them:
 * the reference (the device known, but {@code --no-nat-cache}: discovery before the ladder, as before the cache),
 * {@code first} (a new device on a network it never saw: fresh home, so no NAT cache) and {@code known} (the same
 * device again: its NAT report cached from the warm-up round), each through the {@code ./peerlink} launcher with and
 * without its AppCDS archive ({@code PEERLINK_CDS=0}; the archive is written by the warm-up round), plus reference JVM
 * settings on a known network: CDS off entirely ({@code -Xshare:off}) and the archive with C1 only.
 * The target is {@code peerlink peer --echo}; the 1 KiB piped in comes back, so first-byte-in is a full round trip.
 * The machine is shared: besides wall-clock phases, each run's CPU time (user+sys ms of the connect process) is
 * reported, which other load inflates far less.
 *
 * <p>System properties: {@code peerlink.bench.n} (10), {@code peerlink.bench.out} (append the report to this file),
 * {@code peerlink.bench.launcher} (the {@code peerlink} script; its jar must be built and current).
 */
@Tag("bench")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectTimeBenchOnTestBedTest {
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create().matrix();

    static final int N = Integer.getInteger("peerlink.bench.n", 10);
    static final Pattern PHASE = Pattern.compile("\\{\"event\":\"phase\",\"phase\":\"([a-z-]+)\",\"ms\":(-?\\d+)}");
    static final List<String> PHASES = List.of("main", "parsed", "built", "registered", "nat", "connected",
            "first-byte-out", "first-byte-in");
    static final Pattern RUSAGE = Pattern.compile("rusage user=([0-9.]+) sys=([0-9.]+)");

    @TempDir
    static Path dir;
    LadderBed lb;
    PrintWriter report;

    /** The {@code ./peerlink} launcher (peerlink.bench.launcher, else the one in the repository). */
    static final Path LAUNCHER = Path.of(System.getProperty("peerlink.bench.launcher",
            Path.of(System.getProperty("user.dir")).getParent().resolve("peerlink").toString()));

    /** A way to run connect: whether the device is new each time, the launcher's environment, extra arguments. */
    record Variant(String name, boolean fresh, String env, List<String> args) {
        Variant(String name, boolean fresh, String env) {
            this(name, fresh, env, List.of());
        }
    }

    @BeforeAll
    void start() throws IOException {
        lb = new LadderBed(BED.bed(), dir);
        String out = System.getProperty("peerlink.bench.out");
        report = out == null ? new PrintWriter(System.out, true)
                : new PrintWriter(Files.newBufferedWriter(Path.of(out), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
        log("# connect-time bench " + Instant.now() + ": N=" + N + ", load average " + loadAverage());
        lb.startServer();
        lb.startPeer(BED.bed().client(NatType.PORT_RESTRICTED_CONE, 1), "portr-1");
    }

    @AfterAll
    void stop() {
        if (lb != null) {
            lb.close();
        }
        if (report != null) {
            report.flush();
        }
    }

    void log(String line) {
        report.println(line);
        report.flush();
        if (System.getProperty("peerlink.bench.out") != null) {
            System.out.println(line);
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    @Test
    void firstByteAfterProcessStart() throws Exception {
        List<Variant> variants = List.of(
                new Variant("known, no cache, no AppCDS", false, "PEERLINK_CDS=0", List.of("--no-nat-cache")),
                new Variant("first, no AppCDS", true, "PEERLINK_CDS=0"),
                new Variant("known, no AppCDS", false, "PEERLINK_CDS=0"),
                new Variant("first", true, ""),
                new Variant("known, dynamic AppCDS", false, "PEERLINK_CDS=dynamic"),
                new Variant("known", false, ""),
                new Variant("known, AppCDS + C1 only", false, "PEERLINK_JAVA_OPTS=-XX:TieredStopAtLevel=1"),
                new Variant("known, -Xshare:off", false, "PEERLINK_CDS=0 PEERLINK_JAVA_OPTS=-Xshare:off"));
        Host from = BED.bed().client(NatType.PORT_RESTRICTED_CONE, 0);
        Path tiny = lb.payload(1024, 5);
        Map<Variant, Map<String, List<Long>>> figures = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        log("## round variant: ms from process start per phase (" + String.join(", ", PHASES) + "), CPU ms, path; round 0 is a"
                + " warm-up (creates the archive and the known device's NAT cache), not counted");
        for (int round = 0; round <= N; round++) {
            for (int v = 0; v < variants.size(); v++) {
                Variant variant = variants.get(v);
                // one device per known variant: the server keeps at most 32 live sessions per device
                String id = variant.fresh() ? "new-" + v + "-" + round : "known-" + v;
                Map<String, Long> ms = new LinkedHashMap<>();
                String out = connect(from, id, "portr-1", tiny, variant, ms);
                Matcher m = LadderBed.CONNECTED.matcher(out);
                String path = m.find() ? m.group(1) : null;
                log(String.format("%2d %-26s %s  cpu %5d  %s", round, variant.name(), PHASES.stream()
                        .map(p -> String.format("%5d", ms.getOrDefault(p, -1L))).collect(Collectors.joining(" ")),
                        ms.getOrDefault("cpu", -1L), path));
                if (!ms.containsKey("first-byte-in")) {
                    problems.add(variant.name() + " round " + round + ":\n" + out);
                    continue;
                }
                if (round > 0) {
                    Map<String, List<Long>> f = figures.computeIfAbsent(variant, k -> new LinkedHashMap<>());
                    ms.forEach((k, val) -> f.computeIfAbsent(k, x -> new ArrayList<>()).add(val));
                }
            }
        }
        log("## summary: median / p95 ms from process start (load average now " + loadAverage() + ")");
        List<String> columns = new ArrayList<>(PHASES);
        columns.add("cpu");
        log(String.format("%-26s %3s %s", "variant", "n", columns.stream().map(p -> String.format("%13s", p))
                .collect(Collectors.joining(" "))));
        for (Variant v : variants) {
            Map<String, List<Long>> f = figures.getOrDefault(v, Map.of());
            log(String.format("%-26s %3d %s", v.name(), f.getOrDefault("first-byte-in", List.of()).size(),
                    columns.stream().map(p -> {
                        List<Long> x = f.getOrDefault(p, List.of());
                        return String.format("%13s", LadderBed.percentile(x, 0.5) + " / " + LadderBed.percentile(x, 0.95));
                    }).collect(Collectors.joining(" "))));
        }
        assertThat(problems).as("connect runs without a first byte").isEmpty();
    }

    /** One {@code connect --timing}, {@code input} piped in, the echo discarded; its phases into {@code ms}. */
    String connect(Host host, String id, String target, Path input, Variant variant, Map<String, Long> ms) {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString(), "connect", target,
                "--timing", "--id", id, "--server", lb.serverAddress(), "--home", dir.resolve("home-" + id).toString()));
        cmd.addAll(variant.args());
        String sh = variant.env() + " exec /usr/bin/time -f 'rusage user=%U sys=%S' "
                + cmd.stream().map(LadderBed::quote).collect(Collectors.joining(" "))
                + " < " + LadderBed.quote(input.toString()) + " > /dev/null";
        try (HostProcess p = host.start("sh", "-c", sh)) {
            p.awaitExit(Duration.ofSeconds(90));
            String err = String.join("\n", p.stderrLines());
            Matcher m = PHASE.matcher(err);
            while (m.find()) {
                ms.put(m.group(1), Long.parseLong(m.group(2)));
            }
            Matcher u = RUSAGE.matcher(err);
            if (u.find()) {
                ms.put("cpu", Math.round((Double.parseDouble(u.group(1)) + Double.parseDouble(u.group(2))) * 1000));
            }
            return p.describeOutput();
        }
    }
}
