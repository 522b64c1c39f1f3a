package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.TestBedAssumptions;
import dev.peerlink.testkit.tools.Tinyproxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 on the bed's hostile networks ({@code NatTestBed.builder().hostile()}): {@code peerlink connect} from a
 * host whose router drops all UDP reaches an open, a firewalled, a cone and a symmetric host — TCP direct where the
 * target takes inbound TCP, else the relay over TLS — and from a host whose only way out is an HTTP CONNECT proxy
 * (tinyproxy with Basic auth on the bed's proxy host): signalling and the relay's TLS link both through the proxy.
 * Every kind also connects to the UDP-blocked host as the target (it holds the relay allocation, over TLS), and the
 * proxy-only host to it (both blocked: relay to relay). Each pair pipes 10 MB through (10 MB each way, SHA-256
 * compared).
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileNetworksOnTestBedTest {
    static final int SIZE = 10 * 1024 * 1024;
    static final Pattern READY_NAT = Pattern.compile("\\{\"event\":\"ready\",\"id\":\"[^\"]+\",\"nat\":\"?([a-z-]+)");

    @TempDir
    static Path dir;
    NatTestBed bed;
    LadderBed lb;
    /** Target id -> its host, in the order the table prints. */
    final Map<String, Host> targets = new LinkedHashMap<>();
    /** {@code peer --echo} behind the router that drops all UDP. */
    HostProcess blockedPeer;

    @BeforeAll
    void start() {
        TestBedAssumptions.assumeAvailable();
        bed = NatTestBed.builder().hostile().start();
        lb = new LadderBed(bed, dir);
        lb.startServer("--turn-tls-port", "443"); // turns: on 443, what a network that lets the web out allows
        targets.put("open", bed.openHost());
        targets.put("firewalled", bed.firewalledHost());
        targets.put("full-cone", bed.client(NatType.FULL_CONE));
        targets.put("port-restricted-cone", bed.client(NatType.PORT_RESTRICTED_CONE));
        targets.put("symmetric", bed.client(NatType.SYMMETRIC));
        targets.forEach((id, host) -> lb.startPeer(host, id));
        blockedPeer = lb.startPeer(bed.udpBlockedHost(), "udp-blocked-peer");
    }

    @AfterAll
    void stop() {
        if (lb != null) {
            lb.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void udpBlockedHostConnectsToEveryKindOverTcpAndMoves10MegabytesEachWay() throws Exception {
        Host blocked = bed.udpBlockedHost();
        Matcher ready = blockedPeer.awaitOutput(READY_NAT, LadderBed.STEP);
        assertThat(ready.group(1)).as("the NAT report of a network that drops UDP").isEqualTo("udp-blocked");
        Path input = lb.payload(SIZE, 18);
        Map<String, LadderBed.Outcome> results = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String target : targets.keySet()) {
            LadderBed.Outcome o = lb.connect(blocked, "udp-blocked", target, input, Duration.ofSeconds(90), "--timing");
            results.put("udp-blocked -> " + target, o);
            // Only the open host takes an inbound TCP connection; everything else goes through the relay over TLS.
            String expected = target.equals("open") ? "direct" : "relay";
            if (!o.intact() || !expected.equals(o.path())) {
                problems.add(target + ": expected " + expected + " intact, got " + describe(o));
            }
        }
        print("UDP-blocked host (router drops all UDP)", results);
        assertThat(problems).as("UDP-blocked problems").isEmpty();
    }

    @Test
    void everyKindConnectsToAUdpBlockedTargetAndMoves10MegabytesEachWay() throws Exception {
        assertThat(blockedPeer.awaitOutput(READY_NAT, LadderBed.STEP).group(1)).isEqualTo("udp-blocked");
        Path input = lb.payload(SIZE, 19);
        Map<String, LadderBed.Outcome> results = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Host> from : targets.entrySet()) {
            LadderBed.Outcome o = lb.connect(from.getValue(), from.getKey() + "-to-blocked", "udp-blocked-peer", input,
                    Duration.ofSeconds(90), "--timing");
            results.put(from.getKey() + " -> udp-blocked", o);
            // The blocked target dials back to the open host (reverse); for everyone else it holds the relay
            // allocation itself, over TLS, and the initiator sends to it from a plain UDP socket.
            String expected = from.getKey().equals("open") ? "reverse" : "relay";
            if (!o.intact() || !expected.equals(o.path())) {
                problems.add(from.getKey() + ": expected " + expected + " intact, got " + describe(o));
            }
        }
        print("To a UDP-blocked target (it allocates over TLS, the initiator sends plain UDP to its relayed address)",
                results);
        assertThat(problems).as("problems reaching a UDP-blocked target").isEmpty();
    }

    @Test
    void proxyOnlyHostConnectsThroughTinyproxyAndMoves10MegabytesEachWay() throws Exception {
        Tinyproxy.assumeInstalled();
        Host proxyHost = bed.proxyHost();
        String ip = proxyHost.address().getHostAddress();
        Path config = dir.resolve("tinyproxy.conf");
        // Clients arrive NATed to the proxy-only router's WAN address; Basic auth as a corporate proxy would ask.
        Files.writeString(config, "Port " + bed.proxyPort() + "\nListen " + ip + "\nTimeout 600\nLogLevel Info\n"
                + "MaxClients 64\nAllow 203.0.113.0/24\nBasicAuth corp s3cret\n");
        try (HostProcess proxy = proxyHost.start("tinyproxy", "-d", "-c", config.toString())) {
            proxy.awaitOutput(Pattern.compile("Accepting connections"), LadderBed.STEP);
            String url = "http://corp:s3cret@" + ip + ":" + bed.proxyPort();
            Host only = bed.proxyOnlyHost();
            HostProcess device = lb.startPeer(only, "proxy-only-peer", "--proxy", url);
            assertThat(device.awaitOutput(READY_NAT, LadderBed.STEP).group(1)).isEqualTo("udp-blocked");
            Path input = lb.payload(SIZE, 18);
            Map<String, LadderBed.Outcome> results = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            List<String> all = new ArrayList<>(targets.keySet());
            all.add("udp-blocked-peer"); // both sides UDP-blocked: relay to relay, each side's allocation over TLS
            for (String target : all) {
                LadderBed.Outcome o = lb.connect(only, "proxy-only", target, input, Duration.ofSeconds(90), "--timing",
                        "--proxy", url);
                results.put("proxy-only -> " + target, o);
                if (!o.intact() || !"relay".equals(o.path())) { // the router forwards nothing but TCP to the proxy
                    problems.add(target + ": expected relay intact, got " + describe(o));
                }
            }
            print("HTTP-proxy-only host (only TCP to tinyproxy " + ip + ":" + bed.proxyPort() + ")", results);
            assertThat(problems).as("proxy-only problems").isEmpty();
            // The relay's TLS port went through the proxy (the signalling server's port did too, to register).
            assertThat(proxy.describeOutput()).contains("CONNECT " + bed.server().primaryAddress().getHostAddress() + ":443");
        }
    }

    static String describe(LadderBed.Outcome o) {
        return "exit " + o.exit() + ", path " + o.path() + ", intact " + o.intact() + "\n" + o.output();
    }

    /** Path, ladder setup time and the connect process's NAT-report phase (ms after start) per pair. */
    static void print(String title, Map<String, LadderBed.Outcome> results) {
        Pattern nat = Pattern.compile("\"phase\":\"nat\",\"ms\":\"?(\\d+)");
        Pattern registered = Pattern.compile("\"phase\":\"registered\",\"ms\":\"?(\\d+)");
        StringBuilder b = new StringBuilder("\n" + title + ": path / ladder setup / connect process: registered, NAT known"
                + " (ms after start; cached after the first run) / 10 MB each way\n");
        List<Long> setups = new ArrayList<>();
        results.forEach((pair, o) -> {
            Matcher m = nat.matcher(o.output());
            Matcher r = registered.matcher(o.output());
            b.append(String.format("%-40s %-8s %6d ms  %6s / %6s ms  %s%n", pair, o.path(), o.setupMs(),
                    r.find() ? r.group(1) : "?", m.find() ? m.group(1) : "?", o.intact() ? "intact" : "FAILED"));
            if (o.intact()) {
                setups.add(o.setupMs());
            }
        });
        b.append(String.format("median setup %d ms (n=%d)%n", LadderBed.percentile(setups, 0.5), setups.size()));
        System.out.println(b);
    }
}
