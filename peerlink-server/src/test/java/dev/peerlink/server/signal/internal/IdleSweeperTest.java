package dev.peerlink.server.signal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.protocol.SignallingCodec;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class IdleSweeperTest {
    @Test
    void closesOnlyConnectionsSilentLongerThanTheLimit() {
        IdleSweeper sweeper = new IdleSweeper(1000);
        assertThat(sweeper.periodMillis()).isEqualTo(125);
        SignalChannelHandler quiet = new SignalChannelHandler(null, SignallingCodec.standard(), 20, 60, 10_000, sweeper);
        SignalChannelHandler chatty = new SignalChannelHandler(null, SignallingCodec.standard(), 20, 60, 10_000, sweeper);
        EmbeddedChannel a = new EmbeddedChannel(quiet);
        EmbeddedChannel b = new EmbeddedChannel(chatty);
        assertThat(sweeper.size()).isEqualTo(2);
        long t0 = System.nanoTime();
        quiet.lastReadNanos = t0;
        chatty.lastReadNanos = t0 + 900_000_000L; // read 0.9 s later

        sweeper.sweep(t0 + 999_000_000L);
        assertThat(a.isActive()).isTrue();
        sweeper.sweep(t0 + 1_001_000_000L);
        assertThat(a.isActive()).as("silent for more than 1 s").isFalse();
        assertThat(b.isActive()).isTrue();
        assertThat(sweeper.size()).isEqualTo(1);

        b.close();
        assertThat(sweeper.size()).as("closed connections leave the sweep").isZero();
    }
}
