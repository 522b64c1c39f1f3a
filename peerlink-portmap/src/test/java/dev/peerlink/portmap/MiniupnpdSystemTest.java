package dev.peerlink.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Coturn;
import dev.peerlink.testkit.netns.ExecResult;
import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.Miniupnpd;
import dev.peerlink.testkit.netns.MiniupnpdConfig;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.Router;
import dev.peerlink.testkit.netns.TestBedAssumptions;
import dev.peerlink.testkit.netns.Tools;
import dev.peerlink.testkit.netns.UdpTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our client against miniupnpd on the port-restricted router of the real-NAT bed: each protocol maps a UDP port,
 * a datagram from the open host (outside) to the external address:port reaches the client's socket, and after
 * deletion it no longer does. Also: upnpc lists our mapping, and the bed's fault helpers do what they claim.
 */
@Tag("system")
class MiniupnpdSystemTest {
    static final Duration JVM = Duration.ofSeconds(30);
    static final Pattern MAPPED = Pattern.compile("^MAPPED (\\S+) (\\S+):(\\d+) (\\d+) (\\d+)$");
    static final AtomicInteger PORTS = new AtomicInteger(4200);
    static NatTestBed bed;
    static HostProcess stun;
    static Miniupnpd miniupnpd;
    static Router router;
    static Host client;

    @BeforeAll
    static void up() {
        TestBedAssumptions.assumeCoturn();
        Optional<String> why = Miniupnpd.availability();
        if (why.isPresent()) {
            System.out.println("SKIPPED (miniupnpd): " + why.get());
            org.junit.jupiter.api.Assumptions.abort(why.get());
        }
        bed = NatTestBed.start();
        stun = Coturn.startStunServer(bed.server());
        router = bed.router(NatType.PORT_RESTRICTED_CONE);
        client = bed.client(NatType.PORT_RESTRICTED_CONE);
        miniupnpd = router.startMiniupnpd(MiniupnpdConfig.defaults(bed.server()));
    }

    @AfterAll
    static void down() {
        if (miniupnpd != null) {
            miniupnpd.close();
        }
        if (stun != null) {
            stun.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    record Agent(HostProcess process, String protocol, String externalIp, int externalPort, long lease, long millis) {
    }

    static Agent startAgent(String protocol, int port) {
        HostProcess p = client.start(client.javaCommand(MapAgent.class.getName(), protocol, String.valueOf(port), "600"));
        Matcher m = p.awaitOutput(Pattern.compile(MAPPED.pattern() + "|^FAILED.*"), JVM);
        assertThat(m.group()).as(p.describeOutput()).startsWith("MAPPED");
        Matcher mm = MAPPED.matcher(m.group());
        assertThat(mm.matches()).isTrue();
        return new Agent(p, mm.group(1), mm.group(2), Integer.parseInt(mm.group(3)), Long.parseLong(mm.group(4)),
                Long.parseLong(mm.group(5)));
    }

    static void command(HostProcess p, String cmd) throws IOException {
        p.stdin().write((cmd + "\n").getBytes(StandardCharsets.UTF_8));
        p.stdin().flush();
    }

    /** Sends tagged datagrams from the open host (a fresh source port each time, so no conntrack entry helps). */
    static void sendFromOutside(Agent a, String tag) {
        Host open = bed.openHost();
        try (HostProcess s = open.start(open.javaCommand(UdpTool.class.getName(), "send", a.externalIp(),
                String.valueOf(a.externalPort()), "3", tag))) {
            s.awaitOutput(Pattern.compile("^SENT"), JVM);
        }
    }

    static boolean received(Agent a, String tag) {
        return a.process().stdoutLines().stream().anyMatch(l -> l.startsWith("RX " + tag));
    }

    @ParameterizedTest
    @ValueSource(strings = {"upnp", "natpmp", "pcp", "auto"})
    void mapsReachableFromOutsideAndDeletes(String protocol) throws IOException {
        int port = PORTS.incrementAndGet();
        Agent a = startAgent(protocol, port);
        try (HostProcess p = a.process()) {
            System.out.printf("TIME-TO-MAP %s: %d ms (%s -> %s:%d, lease %ds)%n", protocol, a.millis(), a.protocol(),
                    a.externalIp(), a.externalPort(), a.lease());
            assertThat(a.externalIp()).isEqualTo(router.wanAddress().getHostAddress());
            if (protocol.equals("auto")) {
                assertThat(a.protocol()).isEqualTo("pcp"); // miniupnpd speaks all three; PCP is preferred
            } else {
                assertThat(a.protocol()).isEqualTo(protocol);
            }
            assertThat(miniupnpd.dnatRules()).anyMatch(r -> r.contains("dport " + a.externalPort()));

            sendFromOutside(a, "before-" + protocol);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received(a, "before-" + protocol));

            command(p, "unmap");
            p.awaitOutput(Pattern.compile("^UNMAPPED"), Duration.ofSeconds(15));
            assertThat(miniupnpd.dnatRules()).noneMatch(r -> r.contains("dport " + a.externalPort()));
            sendFromOutside(a, "after-" + protocol);
            Awaitility.await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                    .until(() -> !received(a, "after-" + protocol));
            command(p, "quit");
        }
    }

    @Test
    void upnpcListsOurMapping() throws IOException {
        int port = PORTS.incrementAndGet();
        Agent a = startAgent("upnp", port);
        try (HostProcess p = a.process()) {
            // -i: miniupnpc treats an IGD whose external address is reserved (TEST-NET) as "not connected".
            ExecResult r = client.exec(Duration.ofSeconds(20), Tools.require("upnpc"), "-i", "-l");
            assertThat(r.stdout()).as(r.stdout() + r.stderr())
                    .containsPattern("UDP\\s+" + a.externalPort() + "->" + client.address().getHostAddress() + ":" + port
                            + "\\s+'peerlink'");
            command(p, "quit");
        }
    }

    @Test
    void deletedForwardingRuleKeepsTheListingButStopsTraffic() throws IOException {
        int port = PORTS.incrementAndGet();
        Agent a = startAgent("upnp", port);
        try (HostProcess p = a.process()) {
            sendFromOutside(a, "ok");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received(a, "ok"));
            assertThat(miniupnpd.deleteForwardingRule("udp", port)).isEqualTo(1);
            assertThat(miniupnpd.dnatRules()).anyMatch(r -> r.contains("dport " + a.externalPort()));
            ExecResult r = client.exec(Duration.ofSeconds(20), Tools.require("upnpc"), "-i", "-l");
            assertThat(r.stdout()).contains(a.externalPort() + "->" + client.address().getHostAddress() + ":" + port);
            sendFromOutside(a, "broken");
            Awaitility.await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                    .until(() -> !received(a, "broken"));
            command(p, "quit");
        }
    }
}
