package dev.peerlink.secure.internal;

import io.netty.channel.ChannelConfig;
import java.util.function.LongSupplier;

/**
 * Pauses a channel's reads while more than {@code high} received bytes wait for the application, and resumes them
 * below {@code low}, so flow control (QUIC credit, TCP window) reaches the sender instead of memory filling up.
 *
 * <p>The pause happens on the event loop after a receive, the resume on the reader's thread after it consumed. Each
 * side looks at the other's state again after its own step: without that, a reader that drains everything between
 * the receive and the pause sees reads still on, does nothing, and the pause then lands with nothing left to read,
 * so the channel stays paused for good (a 10 MiB QUIC transfer through the TURN relay stalled so in CI).
 */
public final class ReadThrottle {
    private final ChannelConfig config;
    private final LongSupplier buffered;
    private final long high;
    private final long low;

    public ReadThrottle(ChannelConfig config, LongSupplier buffered, long high, long low) {
        if (low > high || low < 0) {
            throw new IllegalArgumentException("need 0 <= low <= high");
        }
        this.config = config;
        this.buffered = buffered;
        this.high = high;
        this.low = low;
    }

    /** On the event loop, after received bytes were queued: {@code bufferedNow} is the count that queueing left. */
    public void received(long bufferedNow) {
        if (bufferedNow > high && config.isAutoRead()) {
            config.setAutoRead(false);
            if (buffered.getAsLong() < low) {
                config.setAutoRead(true); // drained meanwhile, by a reader that saw reads still on
            }
        }
    }

    /** On the reader's thread, after it took bytes. */
    public void consumed() {
        if (!config.isAutoRead() && buffered.getAsLong() < low) {
            config.setAutoRead(true);
        }
    }
}
