package dev.peerlink.exit.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client → flow: the event loop queues the channel's bytes, a virtual thread writes them to the flow's blocking
 * output. Past {@link #HIGH} queued bytes the channel stops reading (the client is back-pressured by TCP); it reads
 * again once the queue drains below {@link #LOW}.
 */
final class UpstreamPump implements Runnable {
    static final long HIGH = 256 * 1024;
    static final long LOW = 64 * 1024;
    private static final Object EOF = new Object();
    private static final Object STOP = new Object();

    private final ProxyContext px;
    private final TrackedFlow flow;
    private final Channel channel;
    private final FlowRelay relay;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean done;

    UpstreamPump(ProxyContext px, TrackedFlow flow, Channel channel, FlowRelay relay) {
        this.px = px;
        this.flow = flow;
        this.channel = channel;
        this.relay = relay;
    }

    /** On the event loop: queue client bytes (ownership passes). */
    void offer(ByteBuf bytes) {
        long now = pending.addAndGet(bytes.readableBytes());
        px.buffered(bytes.readableBytes());
        queue.add(bytes);
        if (done) {
            drain();
        }
        if (now > HIGH && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
        }
    }

    /** The client sent EOF: half-close the flow after what is queued. */
    void finish() {
        queue.add(EOF);
    }

    /** The connection is gone: drop what is queued. */
    void stop() {
        queue.add(STOP);
    }

    @Override
    public void run() {
        OutputStream out = flow.output();
        try {
            while (true) {
                Object m = queue.take();
                if (m == STOP) {
                    return;
                }
                if (m == EOF) {
                    out.close();
                    relay.upstreamDone();
                    return;
                }
                ByteBuf b = (ByteBuf) m;
                int n = b.readableBytes();
                try {
                    b.readBytes(out, n);
                } finally {
                    b.release();
                    sent(n);
                }
                px.up(n);
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            relay.fail();
        } catch (InterruptedException e) {
            relay.fail();
        } finally {
            done = true;
            drain();
        }
    }

    private void sent(int n) {
        px.buffered(-n);
        long now = pending.addAndGet(-n);
        if (now <= LOW && now + n > LOW) {
            try {
                channel.eventLoop().execute(() -> {
                    if (!channel.config().isAutoRead() && pending.get() <= HIGH && !done) {
                        FlowRelay.resumeReading(channel);
                    }
                });
            } catch (RejectedExecutionException ignored) {
                // shutting down: nothing more to read
            }
        }
    }

    private void drain() {
        Object m;
        while ((m = queue.poll()) != null) {
            if (m instanceof ByteBuf b) {
                int n = b.readableBytes();
                b.release();
                px.buffered(-n);
                pending.addAndGet(-n);
            }
        }
    }
}
