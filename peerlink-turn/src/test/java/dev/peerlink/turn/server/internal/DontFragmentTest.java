package dev.peerlink.turn.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.stun.server.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DONT-FRAGMENT: the relayed socket really gets IP_PMTUDISC_DO (read back from the kernel), on epoll and on NIO. */
class DontFragmentTest {

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void relayedSocketRefusesFragmentation(Transport kind) throws Exception {
        Assumptions.assumeTrue(kind != Transport.EPOLL || Epoll.isAvailable(), "epoll unavailable");
        TurnTransport transport = TurnTransport.choose(kind);
        MultiThreadIoEventLoopGroup group = transport.newGroup(1);
        try {
            Channel relay = transport.relay(InetAddress.getLoopbackAddress()).group(group)
                    .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            assertThat(transport.setDontFragment(relay)).isTrue();
            if (kind == Transport.EPOLL) {
                // IP_MTU_DISCOVER (10) at IPPROTO_IP (0): 2 is IP_PMTUDISC_DO; Linux's default for UDP is 1 (WANT).
                assertThat(relay.config().getOption(new IntegerUnixChannelOption("IP_MTU_DISCOVER", 0, 10))).isEqualTo(2);
            } else {
                assertThat(relay.config().getOption(NioChannelOption.of(ExtendedSocketOptions.IP_DONTFRAGMENT))).isTrue();
            }
            relay.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
