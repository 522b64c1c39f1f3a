package dev.peerlink.stun.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetransmissionPolicyTest {
    @Test
    void rfcDefaultsGiveUpAfter39point5Seconds() {
        // RFC 8489 §6.2.1: sends at 0, 500, 1500, ..., 31500 ms, then 8 s more.
        RetransmissionPolicy p = RetransmissionPolicy.RFC_8489;
        assertThat(p.transactionTimeout(p.initialRto())).isEqualTo(Duration.ofMillis(39_500));
    }

    @Test
    void timeoutScalesWithRto() {
        RetransmissionPolicy p = new RetransmissionPolicy(Duration.ofMillis(100), Duration.ofMillis(10), 3, 4);
        assertThat(p.transactionTimeout(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(100 * 3 + 400));
    }
}
