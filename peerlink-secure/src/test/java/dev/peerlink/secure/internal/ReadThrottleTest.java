package dev.peerlink.secure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadThrottleTest {
    final EmbeddedChannel ch = new EmbeddedChannel();
    final AtomicLong buffered = new AtomicLong();
    final ReadThrottle throttle = new ReadThrottle(ch.config(), buffered::get, 1000, 250);

    @Test
    void pausesAboveHighAndResumesBelowLow() {
        buffered.set(1001);
        throttle.received(1001);
        assertThat(ch.config().isAutoRead()).isFalse();
        buffered.set(600);
        throttle.consumed();
        assertThat(ch.config().isAutoRead()).as("still above low").isFalse();
        buffered.set(249);
        throttle.consumed();
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void staysOnAtOrBelowHigh() {
        buffered.set(1000);
        throttle.received(1000);
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void aReaderThatDrainedBetweenTheReceiveAndThePauseCannotLeaveReadsPaused() {
        // event loop: queueing left 1001 bytes; the reader then took them all and, seeing reads on, did nothing
        buffered.set(1001);
        buffered.set(0);
        throttle.consumed();
        assertThat(ch.config().isAutoRead()).isTrue();
        // event loop, with the count its receive returned: pausing now would leave nothing to wake it
        throttle.received(1001);
        assertThat(ch.config().isAutoRead()).as("nothing waits: reads resume").isTrue();
    }

    @Test
    void refusesALowMarkAboveTheHighOne() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ReadThrottle(ch.config(), buffered::get, 10, 20))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
