package dev.peerlink.server.signal.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the signalling server below its open-file limit. Connections beyond {@code max} are
 * accepted and closed at once (the client sees the connection closed and backs off), so the
 * process always has descriptors left for its registry, the mapping monitor's probes and
 * diagnostics, and the devices it holds are never affected. Should {@code accept} fail all the
 * same (EMFILE/ENFILE: descriptors taken by something else), the listener stops accepting for
 * {@link #ACCEPT_PAUSE_MS} instead of spinning on the error. Both are logged at most once per
 * {@link #LOG_INTERVAL_MS}, with counts.
 */
public final class ConnectionLimit {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);
    /** Descriptors kept free beyond the ones open at start: mapping-monitor TCP probes (256), SQLite, attach, logs. */
    public static final int RESERVED_FILES = 384;
    static final long LOG_INTERVAL_MS = 10_000;
    static final long ACCEPT_PAUSE_MS = 1000;

    private final int max;
    private final LongSupplier clock;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong acceptErrors = new AtomicLong();
    private final AtomicLong lastRefusalLog = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicLong lastErrorLog = new AtomicLong(Long.MIN_VALUE / 2);

    public ConnectionLimit(int max, LongSupplier clockMillis) {
        if (max < 1) {
            throw new IllegalArgumentException("max connections must be positive");
        }
        this.max = max;
        this.clock = clockMillis;
    }

    /** The process's open-file limit less the descriptors open now and {@link #RESERVED_FILES}; unbounded where unknown. */
    public static int fromFileLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long limit = os.getMaxFileDescriptorCount();
            long inUse = os.getOpenFileDescriptorCount();
            if (limit > 0 && inUse >= 0) {
                return (int) Math.min(Integer.MAX_VALUE, Math.max(16, limit - inUse - RESERVED_FILES));
            }
        }
        return Integer.MAX_VALUE;
    }

    public int max() {
        return max;
    }

    public int open() {
        return open.get();
    }

    public long refused() {
        return refused.get();
    }

    /** For each accepted channel: true to serve it; false when it was over the limit and has been closed. */
    public boolean admit(Channel ch) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            long n = refused.incrementAndGet();
            ch.close();
            if (due(lastRefusalLog)) {
                LOG.warn("signalling at its connection limit ({} connections; open-file limit less a reserve): "
                        + "refusing new connections, {} refused so far", max, n);
            }
            return false;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    /** The listener's handler: pauses accepting after an accept error (EMFILE and the like) instead of retrying at once. */
    public ChannelHandler acceptErrorHandler() {
        return new AcceptErrors();
    }

    private boolean due(AtomicLong last) {
        long now = clock.getAsLong();
        long prev = last.get();
        return now - prev >= LOG_INTERVAL_MS && last.compareAndSet(prev, now);
    }

    @ChannelHandler.Sharable
    private final class AcceptErrors extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            long n = acceptErrors.incrementAndGet();
            if (due(lastErrorLog)) {
                LOG.warn("signalling cannot accept connections ({}; {} connections open, {} accept errors so far): "
                        + "pausing accepts for {} ms", cause.toString(), open.get(), n, ACCEPT_PAUSE_MS);
            }
            var config = ctx.channel().config();
            if (config.isAutoRead()) {
                config.setAutoRead(false);
                ctx.channel().eventLoop().schedule(() -> config.setAutoRead(true), ACCEPT_PAUSE_MS, TimeUnit.MILLISECONDS);
            }
            // Not passed on: the error is handled here (Netty's default would log a stack trace each time).
        }
    }
}
