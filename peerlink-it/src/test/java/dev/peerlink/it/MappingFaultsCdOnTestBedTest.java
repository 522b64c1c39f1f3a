package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Coturn;
import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.Miniupnpd;
import dev.peerlink.testkit.netns.MiniupnpdConfig;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.Router;
import dev.peerlink.testkit.netns.ServerHost;
import dev.peerlink.testkit.netns.TestBedExtension;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6 faults (c) and (d) end to end on the real-NAT bed, through the CLI as a user runs it: our signalling server
 * (mapping monitor every 2 s) on the server host, miniupnpd on the port-restricted router, and {@code peerlink peer
 * --map udp:PORT} behind it keeping the mapping alive ({@code MappingKeeper}: report, probe answers, remap orders).
 *
 * <ul>
 *   <li>(c) the router's WAN address changes ({@code Router.changeWanAddress}): the monitor must notice within one
 *       probe interval (plus the round's probe timeouts and slack), order a remap, and the device must report the
 *       mapping under the new address, which the monitor verifies.</li>
 *   <li>(d) UPnP disabled (miniupnpd stopped, its rules gone: no UPnP, no NAT-PMP, no PCP): a running device's
 *       mapping is found broken, the remap fails, the device says {@code "result":"unavailable"} and reports no mapping;
 *       a device started then says unavailable at once; and {@code peerlink connect} to it still works over the
 *       ladder's other paths.</li>
 * </ul>
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MappingFaultsCdOnTestBedTest {
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.withCoturn();

    static final int INTERVAL_S = MappingMonitorOnTestBedTest.INTERVAL_S;
    static final int HEARTBEAT_S = MappingMonitorOnTestBedTest.HEARTBEAT_S;
    static final long DETECTION_BOUND_MS = MappingMonitorOnTestBedTest.DETECTION_BOUND_MS;
    static final Duration STEP = Duration.ofSeconds(30);
    static final AtomicInteger PORTS = new AtomicInteger(5400);
    static final Pattern MAPPED = Pattern.compile("\\{\"event\":\"mapping\",\"result\":\"mapped\".*\"external\":\"([^\"]+)\".*\"ms\":(\\d+)");

    private Path dir;

    private NatTestBed bed;
    private HostProcess stun;
    private LadderBed ladder;
    private Miniupnpd miniupnpd;

    @BeforeAll
    void start() throws java.io.IOException {
        Optional<String> why = Miniupnpd.availability();
        if (why.isPresent()) {
            System.out.println("SKIPPED (miniupnpd): " + why.get());
            Assumptions.abort(why.get());
        }
        bed = BED.bed();
        dir = java.nio.file.Files.createTempDirectory("peerlink-mapcd");
        ServerHost host = bed.server();
        stun = Coturn.startStunServer(host); // miniupnpd learns its public address by STUN (3478/3479)
        ladder = new LadderBed(bed, dir);
        String ip = host.primaryAddress().getHostAddress();
        ladder.server = host.start(host.javaCommand("dev.peerlink.cli.Main", "server", "--listen", ip + ":7000",
                "--stun", ip + ":3578", "--relay", ip + ":3480", "--data", dir.resolve("server-data").toString(),
                "--monitor-interval", String.valueOf(INTERVAL_S), "--heartbeat", String.valueOf(HEARTBEAT_S)));
        ladder.running.add(ladder.server);
        ladder.server.awaitOutput(Pattern.compile("signalling on"), STEP);
        miniupnpd = router().startMiniupnpd(MiniupnpdConfig.defaults(host));
    }

    @AfterAll
    void stop() {
        if (ladder != null) {
            ladder.close();
        }
        if (miniupnpd != null) {
            miniupnpd.close();
        }
        if (stun != null) {
            stun.close();
        }
        if (dir != null) {
            try (var s = java.nio.file.Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException ignored) {
                // best effort
            }
        }
    }

    private Router router() {
        return bed.router(NatType.PORT_RESTRICTED_CONE);
    }

    private Host device() {
        return bed.client(NatType.PORT_RESTRICTED_CONE);
    }

    private Matcher await(HostProcess p, String regex, Duration timeout, HostProcess other) {
        try {
            return p.awaitOutput(Pattern.compile(regex), timeout);
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "\n" + p.describeOutput() + "\n" + other.describeOutput(), e);
        }
    }

    private void printEvents(HostProcess device, String id) {
        ladder.server.stderrLines().stream().filter(l -> l.contains(id)).forEach(l -> System.out.println("  server| " + l));
        device.stderrLines().stream().filter(l -> l.contains("\"event\"") || l.contains("INFO") || l.contains("WARN"))
                .forEach(l -> System.out.println("  device| " + l));
    }

    /** Starts {@code peer --echo --map udp:port} and waits for its mapping to be made and verified by the monitor. */
    private String startMappedPeer(String id, int port, String protocol) {
        HostProcess p = ladder.startPeer(device(), id, "--map", "udp:" + port, "--map-protocol", protocol);
        Matcher m = await(p, MAPPED.pattern(), STEP, ladder.server);
        String external = m.group(1);
        System.out.printf("peer --map udp:%d --map-protocol %s: mapped %s in %s ms%n", port, protocol, external, m.group(2));
        assertThat(external).isEqualTo(router().wanAddress().getHostAddress() + ":" + port);
        await(ladder.server, "mapping udp /?" + Pattern.quote(external) + " of " + id + " verified", STEP, p);
        return external;
    }

    @Test
    @Order(1)
    void faultC_wanAddressChangeIsDetectedAndTheMappingReportedUnderTheNewAddress() throws Exception {
        for (String protocol : List.of("upnp", "pcp")) {
            Router router = router();
            int port = PORTS.incrementAndGet();
            String id = "wan-" + protocol + "-" + port;
            String external = startMappedPeer(id, port, protocol);
            HostProcess peer = ladder.peers.get(id);
            InetAddress before = router.wanAddress();
            byte[] b = before.getAddress();
            b[3] = (byte) (b[3] == (byte) 200 + router.index() ? 220 + router.index() : 200 + router.index());
            InetAddress after = InetAddress.getByAddress(b);

            long faultAt = System.nanoTime();
            router.changeWanAddress(after);
            long appliedMs = (System.nanoTime() - faultAt) / 1_000_000;
            // broken (a probe round to the old address failed) or stale (the device re-registered from the new
            // address still reporting the old one), whichever the monitor sees first
            Matcher detected = await(ladder.server, "mapping udp /?" + Pattern.quote(external) + " of " + id + " (broken|stale)",
                    Duration.ofSeconds(20), peer);
            long detectedMs = (System.nanoTime() - faultAt) / 1_000_000;
            String newExternal = after.getHostAddress() + ":";
            Matcher healthy = await(ladder.server, "mapping udp /?(" + Pattern.quote(newExternal) + "\\d+) of " + id
                    + " (healthy again: time to repair (\\d+) ms|verified)", STEP, peer);
            long repairedMs = (System.nanoTime() - faultAt) / 1_000_000;
            await(peer, "\\{\"event\":\"mapping\",\"result\":\"[a-z-]+\".*\"external\":\"" + Pattern.quote(newExternal), STEP, ladder.server);
            System.out.printf("bed fault (c) WAN address change %s -> %s, %s: detected (%s) in %d ms (change applied in %d ms;"
                            + " bound %d ms + that), verified healthy at %s %d ms after the fault, monitor time to repair %s ms%n",
                    before.getHostAddress(), after.getHostAddress(), protocol, detected.group(1), detectedMs, appliedMs,
                    DETECTION_BOUND_MS, healthy.group(1), repairedMs, healthy.group(3) == null ? "-" : healthy.group(3));
            printEvents(peer, id);
            assertThat(detectedMs).as("detection time").isLessThanOrEqualTo(DETECTION_BOUND_MS + appliedMs);
            assertThat(healthy.group(1)).startsWith(router.wanAddress().getHostAddress() + ":");
            peer.close();
            ladder.running.remove(peer);
            // peer deletes its mappings at exit (SIGTERM)
            Pattern rule = Pattern.compile("dport " + port + "\\b");
            assertThat(miniupnpd.dnatRules()).as("miniupnpd's mappings after the peer exited").noneMatch(r -> rule.matcher(r).find());
        }
    }

    @Test
    @Order(2)
    void faultD_upnpDisabledIsReportedUnavailableAndTheLadderFallsBack() throws Exception {
        int port = PORTS.incrementAndGet();
        String id = "noupnp-" + port;
        String external = startMappedPeer(id, port, "auto");
        HostProcess peer = ladder.peers.get(id);

        long faultAt = System.nanoTime();
        miniupnpd.close(); // "UPnP disabled": no UPnP, NAT-PMP or PCP, and the router drops miniupnpd's rules
        miniupnpd = null;
        long appliedMs = (System.nanoTime() - faultAt) / 1_000_000;
        await(ladder.server, "mapping udp /?" + Pattern.quote(external) + " of " + id + " broken", Duration.ofSeconds(20), peer);
        long detectedMs = (System.nanoTime() - faultAt) / 1_000_000;
        Matcher gone = await(peer, "\\{\"event\":\"mapping\",\"result\":\"unavailable\"[^\n]*", STEP, ladder.server);
        long reportedMs = (System.nanoTime() - faultAt) / 1_000_000;
        // the device reports no mapping any more: the monitor forgets it (no further probes or remap orders)
        awaitNotMonitored(id);
        long forgottenMs = (System.nanoTime() - faultAt) / 1_000_000;
        System.out.printf("bed fault (d) UPnP disabled while mapped: detected in %d ms (applied in %d ms; bound %d ms + that),"
                + " device reported unavailable %d ms after the fault, monitor stopped probing at %d ms: %s%n",
                detectedMs, appliedMs, DETECTION_BOUND_MS, reportedMs, forgottenMs, gone.group());
        assertThat(detectedMs).as("detection time").isLessThanOrEqualTo(DETECTION_BOUND_MS + appliedMs);

        // a device started now gets a clear "unavailable" (no crash, no hang) and still registers
        int port2 = PORTS.incrementAndGet();
        String id2 = "noupnp-start-" + port2;
        long t0 = System.nanoTime();
        HostProcess fresh = ladder.startPeer(device(), id2, "--map", "udp:" + port2, "--map-timeout", "1000");
        Matcher un = await(fresh, "\\{\"event\":\"mapping\",\"result\":\"unavailable\"[^\n]*\"ms\":(\\d+)[^\n]*", STEP, ladder.server);
        long startMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("bed fault (d) UPnP disabled at start: unavailable after %s ms of mapping (%d ms after process start): %s%n",
                un.group(1), startMs, un.group());
        assertThat(ladder.server.stderrLines()).noneMatch(l -> l.contains(" of " + id2 + " "));

        // and the ladder connects to both over its other paths
        Path payload = ladder.payload(4096, 6);
        for (String target : List.of(id, id2)) {
            LadderBed.Outcome o = ladder.connect(bed.client(NatType.FULL_CONE), "cli-" + target, target, payload, STEP);
            System.out.printf("bed fault (d): connect %s -> exit %d, path %s, setup %d ms, echo intact %s%n", target, o.exit(),
                    o.path(), o.setupMs(), o.intact());
            assertThat(o.exit()).as(o.output()).isZero();
            assertThat(o.intact()).as(o.output()).isTrue();
        }
        printEvents(peer, id);
        printEvents(fresh, id2);
    }

    /** Waits until a monitor summary printed after now shows nothing monitored (the device's empty report dropped it). */
    private void awaitNotMonitored(String id) {
        int from = ladder.server.stderrLines().size();
        Pattern none = Pattern.compile("mapping monitor: monitored=0 ");
        // the summary comes once per max(interval, 10 s)
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                List<String> lines = ladder.server.stderrLines();
                return lines.subList(Math.min(from, lines.size()), lines.size()).stream().anyMatch(l -> none.matcher(l).find());
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the monitor still monitors something 30 s after " + id + " reported no mapping\n"
                    + ladder.server.describeOutput(), e);
        }
    }
}
