package dev.peerlink.testkit.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Ruleset text for the symmetric routers' port knobs (the system tests prove what the kernel makes of it). */
class NatRulesTest {
    @Test
    void sequentialRouterIndexesAPortMapWithANumgenCounter() {
        String r = NatRules.ruleset(NatType.SYMMETRIC_SEQUENTIAL, "203.0.113.105", "10.0.5.0/24",
                new PortRange(45000, 45004), 2);
        assertThat(r).contains("typeof numgen inc mod 3 : udp sport")
                .contains("elements = { 0 : 45000, 1 : 45002, 2 : 45004 }")
                .contains("meta l4proto { tcp, udp } snat ip to 203.0.113.105 : numgen inc mod 3 map @seqports")
                .doesNotContain("fully-random");
        assertThat(NatRules.sequenceLength(NatTestBed.DEFAULT_SEQUENTIAL_PORTS, 1)).isEqualTo(10_000);
        assertThat(NatRules.sequenceLength(new PortRange(100, 105), 2)).isEqualTo(3); // 100, 102, 104
    }

    @Test
    void symmetricRouterUsesTheKernelRangeUnlessOneIsGiven() {
        String dflt = NatRules.ruleset(NatType.SYMMETRIC, "203.0.113.104", "10.0.4.0/24", null, 1);
        assertThat(dflt).contains("oifname \"wan0\" masquerade fully-random").doesNotContain("masquerade to");
        String ranged = NatRules.ruleset(NatType.SYMMETRIC, "203.0.113.104", "10.0.4.0/24", new PortRange(20000, 29999), 1);
        assertThat(ranged).contains("meta l4proto { tcp, udp } masquerade to :20000-29999 fully-random");
    }

    @Test
    void portRangeValidates() {
        assertThat(PortRange.KERNEL_NAT_DEFAULT.size()).isEqualTo(64_512);
        assertThatThrownBy(() -> new PortRange(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PortRange(20, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NatTestBed.builder().sequentialPorts(new PortRange(1000, 1001), 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fullLossIsAPlainDropBecauseNftRejectsModHundredLessThanHundred() {
        assertThat(NatRules.faultRules(30, false))
                .contains("add rule inet fault forward numgen random mod 100 < 30 counter drop");
        assertThat(NatRules.faultRules(100, false)).contains("add rule inet fault forward counter drop")
                .doesNotContain("numgen");
        assertThat(NatRules.faultRules(0, false)).isEqualTo("flush chain inet fault forward\n");
    }
}
