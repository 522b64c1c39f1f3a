package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.TestBedAssumptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 * Issue 18 item 3 on the bed's IPv6 sites ({@code NatTestBed.builder().ipv6()}): two dual-stack hosts, each behind a
 * home router that NATs IPv4 and firewalls IPv6 (stateful, unsolicited inbound dropped), connect over IPv6 by a hole
 * punched through both firewalls; the IPv6-only host (signalling over IPv6) connects to a dual-stack host. 10 MB each
 * way, SHA-256 compared, path and address family asserted.
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Ipv6OnTestBedTest {
    static final int SIZE = 10 * 1024 * 1024;
    static final Pattern ADOPTED = Pattern.compile(" path to \\S+ over IPv([46])");
    static final String SERVER6 = "[" + NatTestBed.SERVER_PRIMARY6 + "]:7000";

    @TempDir
    static Path dir;
    NatTestBed bed;
    LadderBed lb;

    @BeforeAll
    void start() {
        TestBedAssumptions.assumeAvailable();
        bed = NatTestBed.builder().ipv6().start();
        lb = new LadderBed(bed, dir);
        // one dual-stack socket: IPv4 clients arrive as mapped addresses; the relay bridges to IPv6 peers
        lb.startServerListening("[::]:7000", "--relay-ip6", NatTestBed.SERVER_PRIMARY6);
        lb.startPeer(bed.dualStackHost(1), "dual-stack-b");
        lb.startPeer(bed.openHost(), "open");
        lb.startPeer(bed.client(NatType.PORT_RESTRICTED_CONE), "port-restricted-cone"); // IPv4 only
        lb.startPeerOn(SERVER6, bed.ipv6OnlyHost(), "ipv6-only-peer");
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
    void dualStackPairBehindTwoV6FirewallsConnectsOverIpv6AndMoves10MegabytesEachWay() throws Exception {
        // v4 is NATed (port-restricted cone) on both sides and would punch too: Happy Eyeballs lets the v6 hole win.
        connects(bed.dualStackHost(0), lb.serverAddress(), "dual-stack-a", "dual-stack-b", "punch", 6);
    }

    @Test
    void dualStackHostFallsBackToIpv4ForAnIpv4OnlyPeer() throws Exception {
        // The peer's host has no IPv6 (its JVM opens IPv4-only sockets): it drops our v6 candidates from its checks
        // (sending there threw and killed its checker), and we find no v6 candidate in its offer.
        connects(bed.dualStackHost(0), lb.serverAddress(), "dual-stack-a", "port-restricted-cone", "punch", 4);
    }

    @Test
    void dualStackHostReachesTheUnfilteredDualStackHostDirectlyOverIpv6() throws Exception {
        // Both families reach the open host's TCP listener: v6 is dialled first.
        connects(bed.dualStackHost(0), lb.serverAddress(), "dual-stack-a", "open", "direct", 6);
    }

    @Test
    void ipv6OnlyHostConnectsToADualStackHostAndMoves10MegabytesEachWay() throws Exception {
        connects(bed.ipv6OnlyHost(), SERVER6, "ipv6-only", "dual-stack-b", "punch", 6);
    }

    @Test
    void ipv4OnlyHostReachesAnIpv6OnlyHostThroughAnIpv6RelayedAddress() throws Exception {
        // No family in common: the IPv4-only initiator asks the relay (over IPv4) for an IPv6 relayed address
        // (REQUESTED-ADDRESS-FAMILY) and the IPv6-only target sends to it over IPv6.
        connects(bed.client(NatType.PORT_RESTRICTED_CONE), lb.serverAddress(), "ipv4-only", "ipv6-only-peer", "relay", 6);
    }

    /** {@code from} connects as {@code id} through {@code server}: 10 MB intact each way, on {@code path} over IPv{@code family}. */
    private void connects(Host from, String server, String id, String target, String path, int family) throws Exception {
        LadderBed.Outcome o = lb.connectVia(server, from, id, target, lb.payload(SIZE, 6), Duration.ofSeconds(90),
                "--timing");
        print(id + " -> " + target, o);
        assertThat(o.intact()).as(HostileNetworksOnTestBedTest.describe(o)).isTrue();
        assertThat(o.path()).as(HostileNetworksOnTestBedTest.describe(o)).isEqualTo(path);
        assertThat(family(o)).as("address family of the " + path + " path").isEqualTo(family);
    }

    /** The address family of the adopted path, from the initiator's log line "... path to ADDR over IPvN". */
    static int family(LadderBed.Outcome o) {
        Matcher m = ADOPTED.matcher(o.output());
        assertThat(m.find()).as("no adopted-path line in\n" + o.output()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    static void print(String pair, LadderBed.Outcome o) {
        Map<String, LadderBed.Outcome> m = new LinkedHashMap<>();
        m.put(pair, o);
        HostileNetworksOnTestBedTest.print("IPv6", m);
    }
}
