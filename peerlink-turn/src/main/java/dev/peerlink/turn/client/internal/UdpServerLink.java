package dev.peerlink.turn.client.internal;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.client.RetransmissionPolicy;
import dev.peerlink.stun.client.StunResponse;
import dev.peerlink.stun.client.StunUdpClient;
import dev.peerlink.stun.client.internal.RtoEstimator;
import dev.peerlink.turn.ChannelData;
import dev.peerlink.turn.TurnAttributes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** TURN over UDP on a {@link StunUdpClient}: its RFC 8489 retransmission, with TURN's decoder and hooks. */
public final class UdpServerLink implements ServerLink {
    private final StunUdpClient udp;
    private final InetSocketAddress server;

    private UdpServerLink(StunUdpClient udp, InetSocketAddress server) {
        this.udp = udp;
        this.server = server;
    }

    public static UdpServerLink open(InetSocketAddress local, InetSocketAddress server, RetransmissionPolicy policy,
                                     Inbound inbound) throws IOException {
        return over(StunUdpClient.bind(local, policy, new RtoEstimator(policy), TurnAttributes.DECODER), server, inbound);
    }

    /** On a socket someone else owns: it sends for us and hands us what it receives ({@link #receive}). */
    public static UdpServerLink over(StunUdpClient.DatagramSender sender, InetSocketAddress local,
                                     InetSocketAddress server, RetransmissionPolicy policy, Inbound inbound) {
        return over(StunUdpClient.over(sender, local, policy, new RtoEstimator(policy), TurnAttributes.DECODER),
                server, inbound);
    }

    private static UdpServerLink over(StunUdpClient udp, InetSocketAddress server, Inbound inbound) {
        // Only the server may speak for the allocation; anything from elsewhere is spoofed or stray.
        udp.onIndication((m, from) -> {
            if (from.equals(server)) {
                inbound.indication(m);
            }
        });
        udp.onNonStun((bytes, from) -> {
            if (!from.equals(server) || !ChannelData.isChannelData(bytes, 0, bytes.length)) {
                return;
            }
            try {
                inbound.channelData(ChannelData.decode(bytes, 0, bytes.length));
            } catch (StunDecodeException e) {
                // malformed ChannelData is dropped, as RFC 8656 §12.5 says
            }
        });
        return new UdpServerLink(udp, server);
    }

    /** A datagram the socket's owner received (only for a link made with {@link #over}). */
    public void receive(java.nio.ByteBuffer datagram, InetSocketAddress from) {
        udp.receive(datagram, from);
    }

    @Override
    public CompletableFuture<StunMessage> transact(StunMessage request, MessageProtection protection) {
        return udp.send(request, protection, server).thenApply(StunResponse::message);
    }

    @Override
    public void send(byte[] bytes) throws IOException {
        udp.sendRaw(bytes, server);
    }

    @Override
    public boolean streamOriented() {
        return false;
    }

    @Override
    public InetSocketAddress localAddress() {
        return udp.localAddress();
    }

    @Override
    public void close() {
        udp.close();
    }
}
