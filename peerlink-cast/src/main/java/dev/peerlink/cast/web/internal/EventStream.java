package dev.peerlink.cast.web.internal;

import dev.peerlink.cast.web.CastStatus;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Server-Sent Events client of /events: an {@code event: status} with the whole status JSON at once and after
 * every change, so the page flips from the QR to the video without polling. Each event carries the latest snapshot,
 * so changes may be coalesced and one skipped while the client is backed up loses nothing. A comment line every
 * {@value #PING_SECONDS} s makes a vanished client show up as a write error.
 */
public final class EventStream {
    static final int PING_SECONDS = 15;

    private final Channel channel;
    private final CastStatus status;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private boolean pending;

    private EventStream(Channel channel, CastStatus status) {
        this.channel = channel;
        this.status = status;
    }

    /** Starts the stream on {@code channel} (call on its event loop); returns it so writability changes reach it. */
    public static EventStream start(Channel channel, CastStatus status) {
        EventStream es = new EventStream(channel, status);
        channel.write(Responses.streamHead("text/event-stream; charset=utf-8"));
        // a reconnecting EventSource waits this long (ms) before trying again
        es.write("retry: 1000\n\n");
        es.push();
        Runnable off = status.onChange(s -> es.changed());
        ScheduledFuture<?> ping = channel.eventLoop().scheduleAtFixedRate(() -> {
            if (channel.isWritable()) {
                es.write(": ping\n\n");
            }
        }, PING_SECONDS, PING_SECONDS, TimeUnit.SECONDS);
        channel.closeFuture().addListener(f -> {
            off.run();
            ping.cancel(false);
        });
        return es;
    }

    /** The channel drained below its low-water mark: send what was held back. */
    public void writable() {
        if (pending && channel.isWritable()) {
            push();
        }
    }

    private void changed() {
        if (scheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(() -> {
                scheduled.set(false);
                push();
            });
        }
    }

    private void push() {
        if (!channel.isWritable()) {
            pending = true;
            return;
        }
        pending = false;
        write("event: status\ndata: " + StatusJson.of(status.snapshot()) + "\n\n");
    }

    private void write(String text) {
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)), channel.voidPromise());
    }
}
