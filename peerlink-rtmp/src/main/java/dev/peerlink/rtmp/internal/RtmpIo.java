package dev.peerlink.rtmp.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event loops the RTMP endpoints share. NIO rather than epoll: a live stream is a handful of connections at a few
 * Mbit/s, where the native transport gains nothing, and the exit proxy met a half-close bug in Netty 4.2.18's epoll.
 * Daemon threads: an idle loop must not keep a CLI process alive.
 */
public final class RtmpIo {
    private static volatile EventLoopGroup shared;

    private RtmpIo() {
    }

    public static EventLoopGroup group() {
        EventLoopGroup g = shared;
        if (g == null) {
            synchronized (RtmpIo.class) {
                if (shared == null) {
                    AtomicInteger n = new AtomicInteger();
                    shared = new MultiThreadIoEventLoopGroup(2, r -> {
                        Thread t = new Thread(r, "rtmp-io-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }, NioIoHandler.newFactory());
                }
                g = shared;
            }
        }
        return g;
    }
}
