package dev.peerlink.exit.proxy.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The proxy's one small event-loop group and the channel classes that go with it. */
record Transport(EventLoopGroup group, Class<? extends ServerChannel> serverChannel,
                 Class<? extends DatagramChannel> datagramChannel) {

    /**
     * Whether epoll can carry half-closed connections. Not in Netty 4.2.18: its epoll transport deletes a socket from
     * the epoll set once no interest is left (EPOLL_CTL_DEL on an empty mask) but keeps treating it as added, so the
     * next interest change is an EPOLL_CTL_MOD failing with ENOENT. A half-closed client connection (its EOF read,
     * ALLOW_HALF_CLOSURE) with nothing queued has no interest left, and the first write that must wait for EPOLLOUT
     * then kills it mid-response. The relay needs half-close, so NIO serves until the pinned Netty re-adds the socket;
     * then set this to true (RelayTest's 20 MB transfer reproduces the failure).
     */
    static final boolean EPOLL_SURVIVES_HALF_CLOSE = false;

    static Transport create() {
        int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("peerlink-proxy", true);
        if (EPOLL_SURVIVES_HALF_CLOSE && Epoll.isAvailable()) {
            return new Transport(new MultiThreadIoEventLoopGroup(threads, threadFactory, EpollIoHandler.newFactory()),
                    EpollServerSocketChannel.class, EpollDatagramChannel.class);
        }
        return new Transport(new MultiThreadIoEventLoopGroup(threads, threadFactory, NioIoHandler.newFactory()),
                NioServerSocketChannel.class, NioDatagramChannel.class);
    }
}
