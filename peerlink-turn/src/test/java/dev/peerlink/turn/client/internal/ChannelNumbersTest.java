package dev.peerlink.turn.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.turn.attribute.ChannelNumber;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChannelNumbersTest {
    private final AtomicLong now = new AtomicLong();
    private final ChannelNumbers numbers = new ChannelNumbers(now::get);

    private static InetSocketAddress peer(int i) {
        return new InetSocketAddress("127.0.0.1", 10000 + i);
    }

    @Test
    void givesEachPeerItsOwnNumberInTheChannelRangeStartingAt0x4000() {
        int a = numbers.reserve(peer(1));
        int b = numbers.reserve(peer(2));

        assertThat(a).isEqualTo(ChannelNumber.MIN);
        assertThat(b).isEqualTo(ChannelNumber.MIN + 1);
        assertThat(numbers.reserve(peer(1))).as("same peer, same number").isEqualTo(a);
        assertThat(numbers.inUse()).isEqualTo(2);
    }

    @Test
    void allFourThousandNinetySixNumbersThenRefuses() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 4096; i++) {
            int n = numbers.reserve(peer(i));
            assertThat(n).isBetween(ChannelNumber.MIN, ChannelNumber.MAX);
            seen.add(n);
        }
        assertThat(seen).hasSize(4096);
        assertThatThrownBy(() -> numbers.reserve(peer(5000))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anAbandonedReservationIsFreeAtOnce() {
        for (int i = 0; i < 4096; i++) {
            numbers.reserve(peer(i));
        }
        numbers.abandon(0x4123);

        assertThat(numbers.reserve(peer(9999))).isEqualTo(0x4123);
    }

    @Test
    void aReleasedBindingIsHeldBackForFiveMinutes() {
        for (int i = 0; i < 4096; i++) {
            numbers.reserve(peer(i));
        }
        numbers.release(0x4200);

        assertThatThrownBy(() -> numbers.reserve(peer(9999))).isInstanceOf(IllegalStateException.class);
        now.addAndGet(ChannelNumbers.QUARANTINE.toNanos() - 1);
        assertThatThrownBy(() -> numbers.reserve(peer(9999))).isInstanceOf(IllegalStateException.class);
        now.addAndGet(1);
        assertThat(numbers.reserve(peer(9999))).isEqualTo(0x4200);
    }

    @Test
    void numbersAreHandedOutRoundRobinSoAReleasedOneIsNotReusedFirst() {
        int a = numbers.reserve(peer(1));
        numbers.abandon(a);

        assertThat(numbers.reserve(peer(2))).isEqualTo(a + 1);
    }
}
