package dev.peerlink.server.signal.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections silent for longer than the idle limit (missed heartbeats). One periodic sweep
 * over all connections replaces a timer per connection (Netty's IdleStateHandler): with tens of
 * thousands of idle devices those timers fired hundreds of times a second, each waking an event
 * loop, which cost about as much CPU as the heartbeats themselves. A silent connection is closed
 * between {@code idle} and {@code idle + idle/8} after its last message.
 */
public final class IdleSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(IdleSweeper.class);

    private final long idleNanos;
    private final Set<SignalChannelHandler> live = ConcurrentHashMap.newKeySet();

    public IdleSweeper(long idleMillis) {
        this.idleNanos = idleMillis * 1_000_000L;
    }

    /** How often {@link #sweep} should run. */
    public long periodMillis() {
        return Math.max(10, idleNanos / 8_000_000L);
    }

    void add(SignalChannelHandler h) {
        live.add(h);
    }

    void remove(SignalChannelHandler h) {
        live.remove(h);
    }

    public int size() {
        return live.size();
    }

    /** Closes every connection whose last message is older than the idle limit. */
    public void sweep(long nowNanos) {
        for (SignalChannelHandler h : live) {
            if (nowNanos - h.lastReadNanos > idleNanos) {
                live.remove(h);
                LOG.debug("closing silent connection {}", h.describe());
                h.closeSilent();
            }
        }
    }
}
