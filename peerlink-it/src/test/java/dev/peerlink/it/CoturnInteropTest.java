package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.stun.client.RetransmissionPolicy;
import dev.peerlink.stun.nat.DiscoveryOptions;
import dev.peerlink.stun.nat.FilteringBehavior;
import dev.peerlink.stun.nat.MappingBehavior;
import dev.peerlink.stun.nat.NatBehaviorDiscovery;
import dev.peerlink.stun.nat.NatReport;
import dev.peerlink.stun.nat.NatType;
import dev.peerlink.stun.server.StunServer;
import dev.peerlink.stun.server.StunServerConfig;
import dev.peerlink.testkit.netns.Coturn;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Interop with coturn on loopback (127.0.0.1 and 127.0.0.2; no root needed): coturn's clients
 * against our server, and our discovery client against coturn's server.
 */
@Tag("system")
class CoturnInteropTest {
    private static final RetransmissionPolicy QUICK =
            new RetransmissionPolicy(Duration.ofMillis(200), Duration.ofMillis(50), 4, 4);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

    private InetAddress lo1;
    private InetAddress lo2;

    @BeforeEach
    void coturnInstalled() throws Exception {
        LoopbackCoturn.assumeAvailable();
        lo1 = InetAddress.getByName("127.0.0.1");
        lo2 = InetAddress.getByName("127.0.0.2");
    }

    private StunServer ours(boolean rfc5780) throws Exception {
        int port = LoopbackCoturn.freeUdpPort(lo1, lo2);
        int altPort = LoopbackCoturn.freeUdpPort(lo1, lo2);
        StunServerConfig.Builder b = StunServerConfig.builder().primary(new InetSocketAddress(lo1, port)).software("peerlink-it");
        if (rfc5780) {
            b.alternate(new InetSocketAddress(lo2, altPort));
        }
        return StunServer.start(b.build());
    }

    @Test
    void turnutilsStunclientGetsItsReflexiveAddressFromOurServer() throws Exception {
        try (StunServer server = ours(false)) {
            InetSocketAddress primary = server.udpAddresses().get(0);
            String out = LoopbackCoturn.run(TOOL_TIMEOUT, "turnutils_stunclient", "-p", String.valueOf(primary.getPort()), "127.0.0.1");
            Matcher m = Pattern.compile("UDP reflexive addr: 127\\.0\\.0\\.1:(\\d+)").matcher(out);
            assertThat(m.find()).as("reflexive address in:\n%s", out).isTrue();
            assertThat(Integer.parseInt(m.group(1))).isPositive();
        }
    }

    @Test
    void turnutilsNatdiscoveryReachesTheSameVerdictAgainstOurServerAsAgainstCoturn() throws Exception {
        String fromCoturn;
        try (LoopbackCoturn coturn = LoopbackCoturn.start(lo1, lo2)) {
            fromCoturn = natdiscovery(coturn.primary.getPort());
        }
        String fromOurs;
        try (StunServer server = ours(true)) {
            fromOurs = natdiscovery(server.udpAddresses().get(0).getPort());
        }
        assertThat(Coturn.parseMapping(fromCoturn)).as("coturn vs coturn:\n%s", fromCoturn).isPresent();
        assertThat(Coturn.parseFiltering(fromCoturn)).as("coturn vs coturn:\n%s", fromCoturn).isPresent();
        assertThat(Coturn.parseMapping(fromOurs)).as("coturn vs ours:\n%s", fromOurs).isEqualTo(Coturn.parseMapping(fromCoturn));
        assertThat(Coturn.parseFiltering(fromOurs)).as("coturn vs ours:\n%s", fromOurs).isEqualTo(Coturn.parseFiltering(fromCoturn));
        assertThat(fromOurs).contains("Response origin").contains("Other addr");
    }

    @Test
    void ourDiscoveryAgainstCoturnAgreesWithItAgainstOurServer() throws Exception {
        NatReport viaCoturn;
        try (LoopbackCoturn coturn = LoopbackCoturn.start(lo1, lo2)) {
            viaCoturn = discover(coturn.primary);
        }
        NatReport viaOurs;
        try (StunServer server = ours(true)) {
            viaOurs = discover(server.udpAddresses().get(0));
        }
        // Loopback has no NAT and no filter: open internet, whoever answers.
        for (NatReport r : new NatReport[] {viaCoturn, viaOurs}) {
            assertThat(r.partial()).as("%s", r).isFalse();
            assertThat(r.rfc5780()).isTrue();
            assertThat(r.behindNat()).isFalse();
            assertThat(r.mapping()).contains(MappingBehavior.ENDPOINT_INDEPENDENT);
            assertThat(r.filtering()).contains(FilteringBehavior.ENDPOINT_INDEPENDENT);
            assertThat(r.type()).contains(NatType.OPEN_INTERNET);
            assertThat(r.publicAddress()).contains(r.localAddress());
        }
    }

    @Test
    void serverWithoutRfc5780GivesAPartialResultThatSaysSo() throws Exception {
        try (LoopbackCoturn coturn = LoopbackCoturn.start(lo1, null)) {
            NatReport r = discover(coturn.primary);
            assertThat(r.partial()).isTrue();
            assertThat(r.rfc5780()).isFalse();
            assertThat(r.type()).isEmpty();
            assertThat(r.filtering()).isEmpty();
            assertThat(r.publicAddress()).isPresent();
            assertThat(r.notes()).anyMatch(n -> n.contains("RFC 5780"));
        }
    }

    private static NatReport discover(InetSocketAddress server) throws Exception {
        return new NatBehaviorDiscovery(server, DiscoveryOptions.DEFAULT.withRetransmission(QUICK)).run();
    }

    private static String natdiscovery(int port) throws Exception {
        return LoopbackCoturn.run(TOOL_TIMEOUT, "turnutils_natdiscovery", "-m", "-f", "-p", String.valueOf(port), "127.0.0.1");
    }
}
