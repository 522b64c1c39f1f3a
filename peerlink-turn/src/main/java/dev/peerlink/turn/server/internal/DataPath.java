package dev.peerlink.turn.server.internal;

import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.TransactionId;
import dev.peerlink.turn.ChannelData;
import dev.peerlink.turn.attribute.Data;
import dev.peerlink.turn.attribute.XorPeerAddress;
import dev.peerlink.turn.server.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Application data both ways. Client to peer: Send indications and ChannelData, relayed when the
 * allocation holds a permission for the peer's IP. Peer to client: datagrams from permitted peers,
 * as ChannelData when a channel is bound to the peer, else as Data indications. Everything else is
 * dropped silently (indications and ChannelData have no error responses) and counted.
 */
final class DataPath {
    private final AllocationTable table;
    private final Counters counters;
    private final OwnRelayIps ownRelayIps;

    DataPath(AllocationTable table, Counters counters, OwnRelayIps ownRelayIps) {
        this.table = table;
        this.counters = counters;
        this.ownRelayIps = ownRelayIps;
    }

    void sendIndication(ClientLink link, StunMessage msg, List<Allocation> dirty) {
        Allocation a = table.get(link.tuple);
        Optional<XorPeerAddress> peer = msg.attribute(XorPeerAddress.class);
        Optional<Data> data = msg.attribute(Data.class);
        if (a == null || !a.isActive() || peer.isEmpty() || data.isEmpty()) {
            return;
        }
        byte[] bytes = data.get().value();
        toPeer(a, peer.get().address(), Unpooled.wrappedBuffer(bytes), 0, bytes.length, dirty);
    }

    void channelDataFromClient(ClientLink link, ByteBuf in, List<Allocation> dirty) {
        int at = in.readerIndex();
        int len = in.readableBytes();
        int dataLength = len < ChannelData.HEADER_LENGTH ? -1 : in.getUnsignedShort(at + 2);
        // Up to 3 bytes of padding may follow the data (always over TCP, optionally over UDP).
        if (dataLength < 0 || dataLength > len - ChannelData.HEADER_LENGTH || len - ChannelData.HEADER_LENGTH - dataLength > 3) {
            counters.refused(Refusal.GARBAGE);
            return;
        }
        Allocation a = table.get(link.tuple);
        if (a == null || !a.isActive()) {
            return;
        }
        InetSocketAddress peer = a.channelPeer(in.getUnsignedShort(at), System.nanoTime());
        if (peer == null) {
            counters.droppedNoPermission.increment();
            return;
        }
        toPeer(a, peer, in, at + ChannelData.HEADER_LENGTH, dataLength, dirty);
    }

    /**
     * Copies {@code n} bytes of {@code src} at {@code index} into the allocation's send run (a copy, not
     * a slice: a read buffer holds a whole recvmmsg batch and must not stay pinned by a queued datagram).
     * Does not release {@code src}. The run is written and flushed by the reader once its batch ends.
     */
    private void toPeer(Allocation a, InetSocketAddress peer, ByteBuf src, int index, int n, List<Allocation> dirty) {
        if (a.tcpRelay != null) {
            return; // a TCP allocation's data goes over its data connections, never as datagrams
        }
        long now = System.nanoTime();
        Channel relay = a.relayFor(peer.getAddress());
        if (relay == null || !a.permitted(peer.getAddress(), now)) {
            counters.droppedNoPermission.increment(); // no permission can exist for a family the allocation lacks
            return;
        }
        if (ownRelayIps.contains(peer.getAddress()) && !table.isRelayed(peer)) {
            counters.droppedNoPermission.increment(); // of the server's own addresses, only allocations (relay to relay)
            return;
        }
        if (a.bucket != null && !a.bucket.tryTake(n, now)) {
            counters.droppedBandwidth.increment();
            return;
        }
        a.runOf(relay).append(relay, peer, n).writeBytes(src, index, n);
        if (!a.relayDirty) {
            a.relayDirty = true;
            dirty.add(a);
        }
        counters.packetsToPeers.increment();
        counters.bytesToPeers.add(n);
    }

    /** Does not release {@code packet}. */
    void fromPeer(Allocation a, DatagramPacket packet, ByteBufAllocator alloc) {
        if (!a.isActive()) {
            return;
        }
        InetSocketAddress peer = packet.sender();
        long now = System.nanoTime();
        if (!a.permitted(peer.getAddress(), now)) {
            counters.droppedNoPermission.increment();
            return;
        }
        ByteBuf content = packet.content();
        int n = content.readableBytes();
        if (a.bucket != null && !a.bucket.tryTake(n, now)) {
            counters.droppedBandwidth.increment();
            return;
        }
        int channel = a.channelOf(peer, now);
        ByteBuf out;
        if (channel >= 0 && a.link instanceof ClientLink.Udp udp) {
            udp.append(ChannelData.HEADER_LENGTH + n).writeShort(channel).writeShort(n).writeBytes(content, content.readerIndex(), n);
            counters.packetsToClients.increment();
            counters.bytesToClients.add(n);
            return;
        } else if (channel >= 0) {
            int size = ChannelData.HEADER_LENGTH + n;
            int framed = (size + 3) & ~3; // TCP frames are padded to 4 (RFC 8656 §12.5)
            out = alloc.directBuffer(framed).writeShort(channel).writeShort(n).writeBytes(content, content.readerIndex(), n)
                    .writeZero(framed - size);
        } else {
            StunMessage indication = StunMessage.builder(StunMethod.DATA, StunClass.INDICATION, quickId())
                    .add(new XorPeerAddress(peer))
                    .add(new Data(ByteBufUtil.getBytes(content)))
                    .build();
            out = Unpooled.wrappedBuffer(StunEncoder.standard().encode(indication));
        }
        counters.packetsToClients.increment(); // before the write: over TLS it is flushed at once
        counters.bytesToClients.add(n);
        a.link.write(out);
    }

    /** Indications need unique, not unpredictable, IDs: skip SecureRandom on the data path. */
    private static TransactionId quickId() {
        byte[] id = new byte[TransactionId.LENGTH];
        ThreadLocalRandom.current().nextBytes(id);
        return TransactionId.of(id);
    }
}
