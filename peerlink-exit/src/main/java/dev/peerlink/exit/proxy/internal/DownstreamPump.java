package dev.peerlink.exit.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Flow → client: a virtual thread reads the flow's blocking input and writes it to the channel, but only while the
 * channel is writable (below its write-buffer high water mark), so a slow client back-pressures the flow.
 */
final class DownstreamPump implements Runnable {
    private static final int CHUNK = 16 * 1024;

    private final ProxyContext px;
    private final TrackedFlow flow;
    private final Channel channel;
    private final FlowRelay relay;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    DownstreamPump(ProxyContext px, TrackedFlow flow, Channel channel, FlowRelay relay) {
        this.px = px;
        this.flow = flow;
        this.channel = channel;
        this.relay = relay;
    }

    /** The channel's writability changed or it closed. */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        InputStream in = flow.input();
        byte[] buf = new byte[CHUNK];
        try {
            while (awaitWritable()) {
                int n = in.read(buf);
                if (n < 0) {
                    relay.downstreamDone();
                    return;
                }
                if (n == 0) {
                    continue;
                }
                ByteBuf b = channel.alloc().buffer(n).writeBytes(buf, 0, n);
                px.down(n);
                px.buffered(n);
                channel.writeAndFlush(b).addListener(f -> {
                    px.buffered(-n);
                    if (!f.isSuccess()) {
                        channel.close();
                    }
                });
            }
        } catch (IOException e) {
            relay.fail();
        } catch (InterruptedException e) {
            relay.fail();
        }
    }

    /** Blocks while the channel is open but full; false once it closed. */
    private boolean awaitWritable() throws InterruptedException {
        lock.lock();
        try {
            while (channel.isActive() && !channel.isWritable()) {
                // the timeout only guards against a missed signal; writability changes normally wake us
                changed.await(1, TimeUnit.SECONDS);
            }
            return channel.isActive();
        } finally {
            lock.unlock();
        }
    }
}
