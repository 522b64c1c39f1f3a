package dev.peerlink.server.admin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /api/events} subscribers: every {@link #tick()} the summary is built once and sent to each as a
 * Server-Sent Event. A subscriber that cannot keep up (its socket buffer full) misses ticks rather than piling them
 * up in memory.
 */
public final class EventStream {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    public static final int MAX_SUBSCRIBERS = 64;

    private final Set<Channel> subscribers = ConcurrentHashMap.newKeySet();
    private final Supplier<String> summary;

    public EventStream(Supplier<String> summary) {
        this.summary = summary;
    }

    /** Adds a channel whose event-stream response head was written; false when full. */
    public boolean subscribe(Channel ch) {
        if (subscribers.size() >= MAX_SUBSCRIBERS) {
            return false;
        }
        subscribers.add(ch);
        ch.closeFuture().addListener((ChannelFutureListener) f -> subscribers.remove(ch));
        send(ch, event(summary.get()));
        return true;
    }

    public int size() {
        return subscribers.size();
    }

    public void tick() {
        if (subscribers.isEmpty()) {
            return;
        }
        ByteBuf event;
        try {
            event = event(summary.get());
        } catch (RuntimeException e) {
            LOG.warn("admin summary failed", e);
            return;
        }
        try {
            for (Channel ch : subscribers) {
                if (ch.isActive() && ch.isWritable()) {
                    send(ch, event.retainedDuplicate());
                }
            }
        } finally {
            event.release();
        }
    }

    private static void send(Channel ch, ByteBuf event) {
        ch.writeAndFlush(new DefaultHttpContent(event)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private static ByteBuf event(String json) {
        return Unpooled.copiedBuffer("event: summary\ndata: " + json + "\n\n", StandardCharsets.UTF_8);
    }
}
