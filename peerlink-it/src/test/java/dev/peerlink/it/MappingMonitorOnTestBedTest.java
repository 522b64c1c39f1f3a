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
import dev.peerlink.testkit.netns.TestBedAssumptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The server's mapping monitor end to end on the real-NAT bed: our signalling server (probe interval 2 s) on the
 * public server host, miniupnpd on the port-restricted router, and a device behind it keeping a UPnP mapping of a UDP
 * port with {@code MappingKeeper}. A fault is applied behind miniupnpd's back; the monitor must notice within one
 * probe interval plus the round's probe timeouts, order a remap, and see the re-made mapping answer again.
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MappingMonitorOnTestBedTest {
    static final int INTERVAL_S = 2;
    /** Devices' heartbeat interval: bounds how long a router conntrack flush (fault b) blocks server-to-device traffic. */
    static final int HEARTBEAT_S = 3;
    /** What {@code --monitor-interval 2} gives: probe timeout a tenth of the interval, 1 retry, tick a fiftieth. */
    static final long PROBE_TIMEOUT_MS = 200, RETRIES = 1, TICK_MS = 40;
    /** Scheduling slack for three JVMs, nft and conntrack on a small (2-core) machine. */
    static final long SLACK_MS = 1000;
    static final long DETECTION_BOUND_MS = INTERVAL_S * 1000L + (RETRIES + 1) * PROBE_TIMEOUT_MS + 2 * TICK_MS + SLACK_MS;
    static final Duration STEP = Duration.ofSeconds(30);
    static final AtomicInteger PORTS = new AtomicInteger(5300);

    private NatTestBed bed;
    private HostProcess stun;
    private HostProcess server;
    private Miniupnpd miniupnpd;
    private Path data;
    private String url;

    @BeforeAll
    void start() throws IOException {
        TestBedAssumptions.assumeCoturn();
        Optional<String> why = Miniupnpd.availability();
        if (why.isPresent()) {
            System.out.println("SKIPPED (miniupnpd): " + why.get());
            Assumptions.abort(why.get());
        }
        bed = NatTestBed.start();
        ServerHost host = bed.server();
        stun = Coturn.startStunServer(host); // miniupnpd learns its public address by STUN
        data = Files.createTempDirectory("peerlink-monbed");
        String ip = host.primaryAddress().getHostAddress();
        server = host.start(host.javaCommand("dev.peerlink.cli.Main", "server", "--listen", ip + ":7000",
                "--stun", ip + ":3578", "--no-relay", "--data", data.toString(),
                "--monitor-interval", String.valueOf(INTERVAL_S), "--heartbeat", String.valueOf(HEARTBEAT_S)));
        Matcher m = server.awaitOutput(Pattern.compile("signalling on (ws://\\d\\S+)"), STEP);
        url = m.group(1);
        miniupnpd = bed.router(NatType.PORT_RESTRICTED_CONE).startMiniupnpd(MiniupnpdConfig.defaults(host));
    }

    @AfterAll
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (miniupnpd != null) {
            miniupnpd.close();
        }
        if (stun != null) {
            stun.close();
        }
        if (bed != null) {
            bed.close();
        }
        if (data != null) {
            try (Stream<Path> s = Files.walk(data)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Matcher await(HostProcess p, String regex, Duration timeout, HostProcess other) {
        try {
            return p.awaitOutput(Pattern.compile(regex), timeout);
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "\n" + other.describeOutput(), e);
        }
    }

    private static void say(HostProcess p, String line) throws IOException {
        p.stdin().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        p.stdin().flush();
    }

    /** The monitor's and the device's log lines about this device: the timeline of the fault and the repair. */
    private void printEvents(HostProcess device, String id) {
        server.stderrLines().stream().filter(l -> l.contains(id) || l.contains("mapping monitor:")).forEach(l -> System.out.println("  server| " + l));
        device.stderrLines().stream().filter(l -> l.contains("INFO") || l.contains("WARN")).forEach(l -> System.out.println("  device| " + l));
        device.stdoutLines().forEach(l -> System.out.println("  device| " + l));
    }

    /** What a fault run measured (all from the moment the fault helper was called). */
    record Repair(long appliedMs, long detectedMs, long repairedMs, long monitorTimeToRepairMs) {
    }

    /**
     * Runs a device keeping a UPnP mapping of a fresh UDP port, waits until the monitor verified it, applies
     * {@code fault} (given the port) and waits for: the monitor declaring it broken, the device re-making it on the
     * monitor's order, and the monitor verifying it again. Asserts the detection bound and prints the timeline.
     */
    private Repair run(String label, java.util.function.IntConsumer fault) throws Exception {
        Router router = bed.router(NatType.PORT_RESTRICTED_CONE);
        Host client = bed.client(NatType.PORT_RESTRICTED_CONE);
        int port = PORTS.incrementAndGet();
        String id = "nas-" + port;
        try (HostProcess device = client.start(client.javaCommand(MappedDeviceMain.class.getName(), url, id,
                String.valueOf(port), "upnp"))) {
            String external = await(device, "^MAPPED (\\S+)$", STEP, server).group(1);
            assertThat(external).isEqualTo(router.wanAddress().getHostAddress() + ":" + port);
            String q = Pattern.quote(external);
            await(server, "mapping udp /?" + q + " of " + id + " verified", STEP, device);

            long faultAt = System.nanoTime();
            fault.accept(port);
            long appliedMs = (System.nanoTime() - faultAt) / 1_000_000;
            await(server, "mapping udp /?" + q + " of " + id + " broken", Duration.ofSeconds(20), device);
            long detectedMs = (System.nanoTime() - faultAt) / 1_000_000;

            String remapped = await(device, "^REMAPPED (\\S+)$", STEP, server).group(1);
            Matcher healthy = await(server, "mapping udp \\S+ of " + id + " healthy again: time to repair (\\d+) ms",
                    STEP, device);
            long repairedMs = (System.nanoTime() - faultAt) / 1_000_000;
            Repair r = new Repair(appliedMs, detectedMs, repairedMs, Long.parseLong(healthy.group(1)));
            System.out.printf("bed fault %s: detected in %d ms (fault applied in %d ms; bound %d ms + that),"
                            + " healthy again %d ms after the fault, monitor time to repair %d ms; %s -> %s%n",
                    label, detectedMs, appliedMs, DETECTION_BOUND_MS, repairedMs, r.monitorTimeToRepairMs(), external, remapped);
            printEvents(device, id);
            // the fault takes effect somewhere inside the helper call, so its duration is added to the bound
            assertThat(detectedMs).as("detection time").isLessThanOrEqualTo(DETECTION_BOUND_MS + appliedMs);
            assertThat(remapped).startsWith(router.wanAddress().getHostAddress() + ":");
            say(device, "QUIT");
            assertThat(device.awaitExit(STEP)).as(device.describeOutput()).isZero();
            return r;
        }
    }

    @Test
    void faultA_deletedForwardingRuleIsDetectedAndRepaired() throws Exception {
        Repair r = run("(a) deleted forwarding rule", port -> assertThat(miniupnpd.deleteForwardingRule("udp", port)).isEqualTo(1));
        // the signalling connection is untouched, so the remap order arrives at once and the re-made mapping (same
        // external port) is verified as soon as the device reports it, well within one interval
        assertThat(r.monitorTimeToRepairMs()).isLessThan(INTERVAL_S * 1000L);
    }

    @Test
    void faultB_routerRestartWithEmptyTableIsDetectedAndRepaired() throws Exception {
        // Also flushes all of the router's conntrack state (a reboot): the device's signalling connection survives only
        // because its next heartbeat re-creates the NAT entry; until then the remap order waits in the server's TCP
        // retransmissions. Hence the short --heartbeat.
        run("(b) miniupnpd restarted with an empty table", port -> miniupnpd.restartWithEmptyTable());
    }
}
