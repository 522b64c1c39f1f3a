package dev.peerlink.stun.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PortAllocationTest {
    @Test
    void mappedPortsEqualToLocalPortsArePreserving() {
        PortAllocation a = PortAllocation.judge(List.of(40000, 51234, 33333), List.of(40000, 51234, 33333));
        assertThat(a.pattern()).isEqualTo(PortAllocation.Pattern.PRESERVING);
        assertThat(a.delta()).isEmpty();
    }

    @Test
    void constantStepIsSequentialWithItsDelta() {
        PortAllocation a = PortAllocation.judge(List.of(40000, 51234, 33333, 1000), List.of(20002, 20004, 20006, 20008));
        assertThat(a.pattern()).isEqualTo(PortAllocation.Pattern.SEQUENTIAL);
        assertThat(a.delta()).contains(2);
    }

    @Test
    void negativeStepsAreSequentialToo() {
        assertThat(PortAllocation.judge(List.of(1, 2, 3), List.of(30000, 29999, 29998)).delta()).contains(-1);
    }

    @Test
    void irregularOrLargeStepsAreRandom() {
        assertThat(PortAllocation.judge(List.of(1, 2, 3), List.of(30000, 30001, 30003)).pattern())
                .isEqualTo(PortAllocation.Pattern.RANDOM);
        assertThat(PortAllocation.judge(List.of(1, 2, 3), List.of(10000, 20000, 30000)).pattern())
                .isEqualTo(PortAllocation.Pattern.RANDOM);
        assertThat(PortAllocation.judge(List.of(1, 2, 3), List.of(5000, 5000, 5000)).pattern())
                .as("one port for every mapping is not a step").isEqualTo(PortAllocation.Pattern.RANDOM);
    }

    @Test
    void fewerThanThreeSamplesIsUnknown() {
        assertThat(PortAllocation.judge(List.of(1, 2), List.of(1, 2)).pattern()).isEqualTo(PortAllocation.Pattern.UNKNOWN);
    }
}
