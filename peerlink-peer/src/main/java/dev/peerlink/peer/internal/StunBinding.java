package dev.peerlink.peer.internal;

import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.XorMappedAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One STUN Binding exchange on a non-blocking channel registered with {@code selector} (retransmits at 0, 200, 500 ms). */
public final class StunBinding {
    private StunBinding() {}

    public static Optional<InetSocketAddress> mapped(DatagramChannel channel, Selector selector, InetSocketAddress stun,
                                              Duration timeout) throws IOException {
        return mapped(channel, selector, List.of(stun), timeout);
    }

    /** The same request to every server of {@code servers} at once; the first answer wins. */
    public static Optional<InetSocketAddress> mapped(DatagramChannel channel, Selector selector,
                                                     List<InetSocketAddress> servers, Duration timeout) throws IOException {
        StunMessage req = StunMessage.request(StunMethod.BINDING).build();
        byte[] wire = StunEncoder.standard().encode(req);
        ByteBuffer buf = ByteBuffer.allocate(1500);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long[] sendAt = {0, 200, 500};
        int sent = 0;
        while (System.nanoTime() < deadline) {
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            if (sent < sendAt.length && elapsedMs >= sendAt[sent]) {
                for (InetSocketAddress stun : servers) {
                    channel.send(ByteBuffer.wrap(wire), stun);
                }
                sent++;
            }
            selector.select(20);
            selector.selectedKeys().clear();
            SocketAddress from;
            while (true) {
                buf.clear();
                from = channel.receive(buf);
                if (from == null) {
                    break;
                }
                buf.flip();
                if (!servers.contains(from) || !StunDecoder.looksLikeStun(buf.array(), 0, buf.limit())) {
                    continue;
                }
                try {
                    StunMessage m = StunDecoder.standard().decode(buf.array(), 0, buf.limit());
                    if (m.transactionId().equals(req.transactionId())) {
                        return m.attribute(XorMappedAddress.class).map(XorMappedAddress::address);
                    }
                } catch (StunDecodeException e) {
                    // not our answer
                }
            }
        }
        return Optional.empty();
    }
}
