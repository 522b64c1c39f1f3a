package dev.peerlink.peer.internal.ladder;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ladder's IPv6 decisions: Happy Eyeballs ordering and timing, and which v6 candidates take inbound. */
class Ipv6LadderTest {
    static final InetSocketAddress V4_LAN = new InetSocketAddress("10.0.7.2", 4000);
    static final InetSocketAddress V4_PUBLIC = new InetSocketAddress("203.0.113.107", 4000);
    static final InetSocketAddress V6_A = new InetSocketAddress("2001:db8:7::2", 4000);
    static final InetSocketAddress V6_B = new InetSocketAddress("2001:db8:7::3", 4000);
    static final InetSocketAddress V6_ULA = new InetSocketAddress("fd00::2", 4000);

    @Test
    void ordersIpv6FirstAndInterleavesTheFamilies() {
        assertThat(HappyEyeballs.order(List.of(V4_LAN, V4_PUBLIC, V6_A, V6_B)))
                .containsExactly(V6_A, V4_LAN, V6_B, V4_PUBLIC);
        assertThat(HappyEyeballs.order(List.of(V4_LAN, V6_A, V4_PUBLIC)))
                .containsExactly(V6_A, V4_LAN, V4_PUBLIC);
        assertThat(HappyEyeballs.order(List.of(V4_PUBLIC, V4_LAN))).containsExactly(V4_PUBLIC, V4_LAN);
    }

    @Test
    void ipv4WaitsOnlyTheHeadStartAndOneFamilyKeepsThePlainStagger() {
        Duration stagger = Duration.ofMillis(100);
        List<InetSocketAddress> mixed = HappyEyeballs.order(List.of(V4_LAN, V6_A, V4_PUBLIC));
        assertThat(HappyEyeballs.delay(mixed, 0, stagger)).isZero();
        assertThat(HappyEyeballs.delay(mixed, 1, stagger)).isEqualTo(HappyEyeballs.HEAD_START);
        assertThat(HappyEyeballs.delay(mixed, 2, stagger)).isEqualTo(HappyEyeballs.HEAD_START.plus(stagger));
        List<InetSocketAddress> v4 = List.of(V4_LAN, V4_PUBLIC);
        assertThat(HappyEyeballs.delay(v4, 1, stagger)).isEqualTo(stagger);
    }

    @Test
    void aGlobalV6AddressIsADialBackTargetOnlyWhereIpv4IsNotNated() throws Exception {
        LadderOffer natedDualStack = new LadderOffer(List.of(V4_LAN, V6_A), List.of(), addr("203.0.113.107"),
                "port-restricted-cone", true);
        LadderOffer v6Only = new LadderOffer(List.of(V6_A), List.of(), null, null, true);
        LadderOffer openDualStack = new LadderOffer(List.of(V4_PUBLIC, V6_B), List.of(), addr("203.0.113.107"),
                "open-internet", true);
        LadderOffer other = new LadderOffer(List.of(new InetSocketAddress("10.0.8.2", 1)), List.of(),
                addr("203.0.113.108"), "port-restricted-cone", true);
        assertThat(PathPlan.reverseUseful(natedDualStack, other)).as("the v6 firewall of a home router").isFalse();
        assertThat(PathPlan.reverseUseful(v6Only, other)).isFalse();
        assertThat(PathPlan.tcpPathPossible(other, natedDualStack)).isFalse();
        assertThat(PathPlan.inboundCandidate(openDualStack, V6_B)).isTrue();
        assertThat(PathPlan.inboundCandidate(natedDualStack, V6_A)).isFalse();
        assertThat(PathPlan.inboundCandidate(openDualStack, V6_ULA)).as("unique-local is the LAN").isFalse();
        assertThat(PathPlan.label(V6_A, "punch")).isEqualTo("punch");
        assertThat(PathPlan.label(V6_ULA, "punch")).isEqualTo("lan");
    }

    private static InetAddress addr(String s) throws Exception {
        return InetAddress.getByName(s);
    }
}
