package dev.peerlink.turn.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GsoRunTest {

    /** A relayed socket closed with a run pending (deallocation, shutdown) is not a GSO failure. */
    @Test
    void aRunWrittenToAClosedChannelDoesNotTurnGsoOffForTheProcess() throws Exception {
        assumeTrue(Epoll.isAvailable() && SegmentedDatagramPacket.isSupported(), "no epoll UDP GSO here");
        assumeTrue(GsoRun.enabled(), "GSO already off in this JVM");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel ch = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            InetSocketAddress to = (InetSocketAddress) ch.localAddress();
            ch.close().sync();
            GsoRun run = new GsoRun();
            ch.eventLoop().submit(() -> {
                run.append(ch, to, 100).writeZero(100);
                run.append(ch, to, 100).writeZero(100); // two equal datagrams: one segmented write
                run.drain(ch);
            }).get(5, TimeUnit.SECONDS);
            ch.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS); // the write's listener has run
            assertThat(GsoRun.enabled()).isTrue();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
