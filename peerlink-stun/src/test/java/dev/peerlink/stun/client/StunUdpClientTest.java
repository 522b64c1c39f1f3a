package dev.peerlink.stun.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.TransactionId;
import dev.peerlink.stun.attribute.XorMappedAddress;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StunUdpClientTest {
    private static final RetransmissionPolicy FAST = new RetransmissionPolicy(Duration.ofMillis(40), Duration.ofMillis(10), 4, 2);

    /** A loopback responder that ignores the first {@code drop} copies of each request it sees. */
    private static final class LossyResponder implements AutoCloseable {
        final DatagramSocket socket;
        final List<TransactionId> seen = new CopyOnWriteArrayList<>();
        final Thread thread;

        LossyResponder(int drop, boolean answer) throws SocketException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            thread = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                        StunMessage req = StunDecoder.standard().decode(p.getData(), 0, p.getLength());
                        seen.add(req.transactionId());
                        long copies = seen.stream().filter(req.transactionId()::equals).count();
                        if (answer && copies > drop) {
                            byte[] resp = StunEncoder.standard().encode(req.respond(StunClass.SUCCESS_RESPONSE)
                                    .add(new XorMappedAddress((InetSocketAddress) p.getSocketAddress())).build());
                            socket.send(new DatagramPacket(resp, resp.length, p.getSocketAddress()));
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    private StunUdpClient client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    private StunUdpClient client() throws Exception {
        client = StunUdpClient.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), FAST);
        return client;
    }

    @Test
    void retransmitsUntilAnsweredAndReportsTheTransmissionCount() throws Exception {
        try (LossyResponder server = new LossyResponder(2, true)) {
            StunResponse r = client().send(StunMessage.request(StunMethod.BINDING).build(), server.address()).get();
            assertThat(r.isSuccess()).isTrue();
            assertThat(r.transmissions()).isEqualTo(3);
            assertThat(r.mappedAddress()).contains(client.localAddress());
            assertThat(server.seen).hasSize(3).containsOnly(server.seen.get(0));
        }
    }

    @Test
    void givesUpAfterRcTransmissionsWithATimeout() throws Exception {
        try (LossyResponder server = new LossyResponder(0, false)) {
            CompletableFuture<StunResponse> f = client().send(StunMessage.request(StunMethod.BINDING).build(), server.address());
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StunTimeoutException.class);
            assertThat(server.seen).hasSize(FAST.rc());
        }
    }

    @Test
    void cancellingStopsRetransmission() throws Exception {
        try (LossyResponder server = new LossyResponder(0, false)) {
            CompletableFuture<StunResponse> f = client().send(StunMessage.request(StunMethod.BINDING).build(), server.address());
            await().until(() -> server.seen.size() >= 1);
            f.cancel(false);
            int after = server.seen.size();
            // Wait past the whole retransmission schedule by waiting on a second transaction's timeout.
            CompletableFuture<StunResponse> marker = client.send(StunMessage.request(StunMethod.BINDING).build(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
            assertThatThrownBy(marker::get).hasCauseInstanceOf(StunTimeoutException.class);
            assertThat(server.seen).hasSize(after);
        }
    }

    @Test
    void unsolicitedRequestsReachTheHandler() throws Exception {
        CompletableFuture<StunMessage> got = new CompletableFuture<>();
        client().onUnsolicited((m, from) -> got.complete(m));
        StunMessage probe = StunMessage.request(StunMethod.BINDING).build();
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] b = StunEncoder.standard().encode(probe);
            s.send(new DatagramPacket(b, b.length, client.localAddress()));
        }
        assertThat(got.get().transactionId()).isEqualTo(probe.transactionId());
    }

    @Test
    void garbageIsIgnoredAndTheSocketKeepsWorking() throws Exception {
        try (LossyResponder server = new LossyResponder(0, true); DatagramSocket s = new DatagramSocket()) {
            byte[] junk = "definitely not STUN".getBytes();
            s.send(new DatagramPacket(junk, junk.length, client().localAddress()));
            assertThat(client.send(StunMessage.request(StunMethod.BINDING).build(), server.address()).get().isSuccess()).isTrue();
        }
    }

    @Test
    void indicationsAndNonStunDatagramsReachTheirHooks() throws Exception {
        CompletableFuture<StunMessage> indication = new CompletableFuture<>();
        CompletableFuture<byte[]> other = new CompletableFuture<>();
        client().onIndication((m, from) -> indication.complete(m));
        client.onNonStun((b, from) -> other.complete(b));
        StunMessage ind = StunMessage.builder(StunMethod.BINDING, StunClass.INDICATION, TransactionId.random()).build();
        byte[] channelData = {0x40, 0x00, 0x00, 0x01, 0x2A};
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] b = StunEncoder.standard().encode(ind);
            s.send(new DatagramPacket(b, b.length, client.localAddress()));
            s.send(new DatagramPacket(channelData, channelData.length, client.localAddress()));
        }
        assertThat(indication.get().transactionId()).isEqualTo(ind.transactionId());
        assertThat(other.get()).containsExactly(channelData);
    }
}
