package dev.peerlink.exit.proxy.internal;

import dev.peerlink.exit.ExitException;
import dev.peerlink.exit.UdpAssociation;
import dev.peerlink.exit.wire.ExitError;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.function.BiConsumer;

/**
 * A SOCKS5 UDP ASSOCIATE: a UDP socket on the proxy's own address (the one the client reached over TCP) relaying
 * the client's datagrams through an exit's {@link UdpAssociation}, and the exit's datagrams back with the §7 header.
 *
 * <p>Only datagrams from the control connection's client IP are relayed (and from the port it announced, if any);
 * the first one fixes the client's UDP address. The association ends when the control connection closes.
 */
final class SocksUdpRelay extends SimpleChannelInboundHandler<DatagramPacket> {
    private final ProxyContext px;
    private final InetSocketAddress controlPeer;
    private final int announcedPort;
    private volatile UdpAssociation association;
    private volatile Channel udp;
    private volatile InetSocketAddress client;

    private SocksUdpRelay(ProxyContext px, InetSocketAddress controlPeer, int announcedPort) {
        this.px = px;
        this.controlPeer = controlPeer;
        this.announcedPort = announcedPort;
    }

    /** Opens the association and its socket; reports the socket's address or the failure, on the control's loop. */
    static void open(ProxyContext px, Transport transport, Channel control, int announcedPort,
                     BiConsumer<InetSocketAddress, ExitError> done) {
        SocksUdpRelay relay = new SocksUdpRelay(px, (InetSocketAddress) control.remoteAddress(), announcedPort);
        try {
            relay.association = px.dialer().associate(relay::fromExit);
        } catch (ExitException e) {
            px.failed(e.error());
            done.accept(null, e.error());
            return;
        } catch (RuntimeException e) {
            px.failed(ExitError.INTERNAL);
            done.accept(null, ExitError.INTERNAL);
            return;
        }
        InetSocketAddress local = new InetSocketAddress(((InetSocketAddress) control.localAddress()).getAddress(), 0);
        ChannelFuture bound = new Bootstrap().group(control.eventLoop()).channel(transport.datagramChannel())
                .handler(relay).bind(local);
        bound.addListener(f -> {
            if (!f.isSuccess() || !control.isActive()) {
                relay.association.close();
                bound.channel().close();
                done.accept(null, ExitError.INTERNAL);
                return;
            }
            relay.udp = bound.channel();
            px.udpOpened();
            relay.udp.closeFuture().addListener(c -> {
                relay.association.close();
                px.udpClosed();
            });
            control.closeFuture().addListener(c -> relay.udp.close());
            done.accept((InetSocketAddress) relay.udp.localAddress(), null);
        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress sender = packet.sender();
        if (!sender.getAddress().equals(controlPeer.getAddress())
                || (announcedPort != 0 && sender.getPort() != announcedPort)
                || (client != null && !client.equals(sender))) {
            return; // not the client of this association
        }
        SocksUdpHeader.Datagram d = SocksUdpHeader.decode(packet.content());
        if (d == null || !Destinations.valid(d.host(), d.port())) {
            return;
        }
        client = sender;
        try {
            association.send(d.host(), d.port(), d.payload());
            px.up(d.payload().length);
        } catch (ExitException | RuntimeException e) {
            // UDP is lossy by contract: a datagram the exit refuses is dropped
        }
    }

    private void fromExit(UdpAssociation.Packet p) {
        Channel ch = udp;
        InetSocketAddress to = client;
        if (ch == null || to == null || !ch.isActive() || p == null || p.host() == null || p.payload() == null) {
            return;
        }
        ByteBuf out;
        try {
            out = SocksUdpHeader.encode(ch.alloc(), p.host(), p.port(), p.payload());
        } catch (Exception e) {
            return; // a host the SOCKS5 address field cannot carry
        }
        px.down(p.payload().length);
        ch.writeAndFlush(new DatagramPacket(out, to));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors and the like: the association lives on
    }
}
