package dev.peerlink.testkit.netns;

import static dev.peerlink.testkit.netns.BedFixtures.echo;
import static dev.peerlink.testkit.netns.BedFixtures.probe;
import static dev.peerlink.testkit.netns.BedFixtures.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The IPv6 bed: routed global addresses without NAT66, home-router v6 firewalls, the v6-only host, v4 still NATed. */
@Tag("system")
class Ipv6BedSystemTest {
    private static final int PORT = 7000;
    private static final Duration REPLY_TIMEOUT = Duration.ofMillis(500);
    private static final Duration FIRST_V6_TIMEOUT = Duration.ofSeconds(1);
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create().ipv6();

    private static InetAddress v6(Host h) {
        return h.ipv6Address().orElseThrow();
    }

    @Test
    void dualStackHostsReachTheServerOverBothFamiliesWithV6UnNatedAndV4Nated() {
        NatTestBed bed = BED.bed();
        try (HostProcess server = echo(bed.server(), PORT)) {
            // echo() binds the primary v4 address (and the alternate); a second echo on the v6 address.
            try (HostProcess server6 = bed.server().start(bed.server().javaCommand(UdpTool.class.getName(), "echo",
                    String.valueOf(PORT + 1), NatTestBed.SERVER_PRIMARY6))) {
                server6.awaitOutput(Pattern.compile("^LISTENING"), BedFixtures.JVM_START);
                for (int i = 0; i < 2; i++) {
                    Host c = bed.dualStackHost(i);
                    assertThat(v6(c)).isInstanceOf(Inet6Address.class);
                    var r4 = probe(c, 2, REPLY_TIMEOUT, target(bed.server().primaryAddress(), PORT));
                    // A host's first IPv6 datagram may wait for neighbour discovery (a lost solicitation is retried
                    // after 1 s on a loaded machine): 4 probes at 1 s each, at least 2 answered.
                    var r6 = probe(c, 4, FIRST_V6_TIMEOUT, target(v6(bed.server()), PORT + 1));
                    assertThat(r4).as(c.label() + " v4").singleElement().satisfies(p -> assertThat(p.answered()).isEqualTo(2));
                    assertThat(r6).as(c.label() + " v6").singleElement().satisfies(p -> assertThat(p.answered()).isGreaterThanOrEqualTo(2));
                    String wan = bed.dualStackRouter(i).wanAddress().getHostAddress();
                    assertThat(server.stdoutLines()).anyMatch(l -> l.startsWith("RX " + wan + ":"));
                    // No NAT66: the server sees the host's own global address.
                    assertThat(server6.stdoutLines()).anyMatch(l -> l.startsWith("RX " + v6(c).getHostAddress() + ":"));
                }
            }
        }
    }

    @Test
    void v6FirewallDropsUnsolicitedInboundButAHolePunchedFromBothSidesOpens() {
        NatTestBed bed = BED.bed();
        Host a = bed.dualStackHost(0);
        Host b = bed.dualStackHost(1);
        try (HostProcess echoB = echoOn(b, v6(b))) {
            // Unsolicited: b's router drops it, even from the unfiltered open host.
            var fromOpen = probe(bed.openHost(), 2, REPLY_TIMEOUT, target(v6(b), PORT));
            assertThat(fromOpen).singleElement().satisfies(p -> assertThat(p.answered()).isZero());
            assertThat(echoB.stdoutLines()).noneMatch(l -> l.startsWith("RX "));
        }
        // A hole punch: a's datagram (dropped by b's firewall) opens a's firewall for b's answer from that port.
        try (HostProcess pa = a.start(a.javaCommand(UdpTool.class.getName(), "punch", "7100", target(v6(b), 7100)))) {
            pa.awaitOutput(Pattern.compile("^LISTENING"), BedFixtures.JVM_START);
            try (HostProcess pb = b.start(b.javaCommand(UdpTool.class.getName(), "punch", "7100", target(v6(a), 7100)))) {
                pa.awaitOutput(Pattern.compile("^RX " + Pattern.quote(v6(b).getHostAddress() + ":7100")),
                        BedFixtures.JVM_START);
            }
        }
    }

    @Test
    void v6OnlyHostReachesTheDualStackServerButNotAnyIpv4Address() {
        NatTestBed bed = BED.bed();
        Host v6only = bed.ipv6OnlyHost();
        assertThat(v6only.address()).isInstanceOf(Inet6Address.class).isEqualTo(v6(v6only));
        try (HostProcess server6 = echoOn(bed.server(), v6(bed.server()))) {
            var r = probe(v6only, 4, FIRST_V6_TIMEOUT, target(v6(bed.server()), PORT)); // as above: ND may delay the first
            assertThat(r).singleElement().satisfies(p -> assertThat(p.answered()).isGreaterThanOrEqualTo(2));
            assertThat(server6.stdoutLines()).anyMatch(l -> l.startsWith("RX " + v6(v6only).getHostAddress() + ":"));
        }
        // No IPv4 beyond the link: the kernel has no route to any v4 address.
        ExecResult route = v6only.exec(Duration.ofSeconds(5), "ip", "-4", "route", "get", NatTestBed.OPEN_HOST);
        assertThat(route.ok()).as(route.stdout()).isFalse();
        assertThat(route.stderr()).contains("unreachable");
    }

    @Test
    void firewalledHostDropsUnsolicitedV6WhileTheOpenHostAnswers() {
        NatTestBed bed = BED.bed();
        try (HostProcess fw = echoOn(bed.firewalledHost(), v6(bed.firewalledHost()));
             HostProcess open = echoOn(bed.openHost(), v6(bed.openHost()))) {
            var r = probe(bed.dualStackHost(0), 2, REPLY_TIMEOUT, target(v6(bed.firewalledHost()), PORT),
                    target(v6(bed.openHost()), PORT));
            assertThat(r).hasSize(2);
            assertThat(r.get(0).answered()).isZero();
            assertThat(r.get(1).answered()).isEqualTo(2);
            assertThat(fw.stdoutLines()).noneMatch(l -> l.startsWith("RX "));
        }
    }

    @Test
    void ipv6BedCountsItsHostsAndLeavesTheOtherSitesV4Only() {
        assertThat(BED.bed().hasIpv6()).isTrue();
        assertThat(BED.bed().hostCount(HostKind.DUAL_STACK)).isEqualTo(2);
        assertThat(BED.bed().hostCount(HostKind.IPV6_ONLY)).isEqualTo(1);
        assertThat(BED.bed().client(NatType.FULL_CONE).ipv6Address()).isEmpty();
    }

    private static HostProcess echoOn(Host host, InetAddress bind) {
        HostProcess p = host.start(host.javaCommand(UdpTool.class.getName(), "echo", String.valueOf(PORT),
                bind.getHostAddress()));
        p.awaitOutput(Pattern.compile("^LISTENING"), BedFixtures.JVM_START);
        return p;
    }
}
