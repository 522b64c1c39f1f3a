package dev.peerlink.turn.server;

import static dev.peerlink.turn.server.TestServers.PASSWORD;
import static dev.peerlink.turn.server.TestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.Nonce;
import dev.peerlink.stun.attribute.Realm;
import dev.peerlink.stun.attribute.Username;
import dev.peerlink.turn.attribute.RequestedTransport;
import dev.peerlink.turn.server.TestServers.Peer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bandwidth limit, request rate limit, and hostile input that must neither crash the server nor leak allocations. */
class SafetyTest {

    @Test
    void bandwidthLimitDropsTheExcessAndCountsIt() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.bandwidth(20_000, 10_000));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             Peer peer = new Peer()) {
            c.allocate();
            c.channelBind(0x4000, peer.address());
            byte[] kb = new byte[1000];
            for (int i = 0; i < 100; i++) {
                c.sendChannelData(0x4000, kb);
            }
            int received = 0;
            while (peer.receive(300) != null) {
                received++;
            }
            // Burst of 10 kB plus what trickles in at 20 kB/s while sending; far below 100.
            assertThat(received).isBetween(10, 40);
            assertThat(server.stats().droppedBandwidth()).isEqualTo(100 - received);
            assertThat(server.stats().packetsToPeers()).isEqualTo(received);
        }
    }

    @Test
    void requestFloodFromOneSourceIsRateLimited() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.requestRate(10, 20));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress())) {
            for (int i = 0; i < 200; i++) {
                c.sendRaw(StunEncoder.standard().encode(StunMessage.request(StunMethod.ALLOCATE).build()));
            }
            int answers = 0;
            while (c.receiveRaw(300) != null) {
                answers++;
            }
            assertThat(answers).isBetween(20, 40);
            assertThat(server.stats().refusals(Refusal.RATE_LIMITED)).isEqualTo(200 - answers);
        }
    }

    @Test
    void requestFloodOverTcpIsPausedNotDropped() throws IOException {
        // a stream client never retransmits: every request beyond the burst must still be answered, later, in order
        int n = 60;
        try (TurnServer server = TestServers.start(b -> b.requestRate(100, 10));
             Socket s = new Socket()) {
            s.connect(server.tcpAddress(), 2000);
            s.setSoTimeout(5000);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            List<byte[]> ids = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                StunMessage m = StunMessage.request(StunMethod.BINDING).build();
                ids.add(m.transactionId().toByteArray());
                all.writeBytes(StunEncoder.standard().encode(m));
            }
            s.getOutputStream().write(all.toByteArray()); // one burst: n requests in a few segments
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            for (int i = 0; i < n; i++) {
                byte[] head = in.readNBytes(20);
                assertThat(head).as("answer %d of %d", i + 1, n).hasSize(20);
                assertThat(head[0] & 0xFF).as("Binding success response").isEqualTo(0x01);
                assertThat(Arrays.copyOfRange(head, 8, 20)).as("answers in request order").isEqualTo(ids.get(i));
                in.readNBytes(((head[2] & 0xFF) << 8) | (head[3] & 0xFF));
            }
            assertThat(server.stats().refusals(Refusal.RATE_LIMITED)).isZero();
            assertThat(server.stats().requestsPaused()).isPositive();
        }
    }

    @Test
    void garbageTruncatedHugeAndForgedInputLeaveTheServerWorking() throws IOException {
        try (TurnServer server = TestServers.start();
             // From another IP: the attacker's bit-flipped requests spend its own rate budget, not the client's.
             TurnTestClient attacker = TurnTestClient.udpFrom(java.net.InetAddress.getByName("127.0.0.3"), server.udpAddress());
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            Random random = new Random(42);
            byte[] valid = StunEncoder.standard().encode(StunMessage.request(StunMethod.ALLOCATE)
                    .add(new RequestedTransport(RequestedTransport.UDP)).build());
            for (int i = 0; i < 2000; i++) {
                byte[] b;
                switch (i % 5) {
                    case 0 -> { b = new byte[random.nextInt(200)]; random.nextBytes(b); }
                    case 1 -> b = Arrays.copyOf(valid, random.nextInt(valid.length)); // truncated
                    case 2 -> { b = valid.clone(); b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8)); } // bit flip
                    case 3 -> { b = new byte[4 + random.nextInt(100)]; b[0] = 0x40; b[2] = (byte) 0xFF; } // ChannelData lying about its length
                    default -> { b = new byte[65_000]; random.nextBytes(b); b[0] &= 0x3F; } // huge
                }
                attacker.sendRaw(b);
            }
            // Forged integrity: right user and nonce, wrong key. The first request retransmits as a STUN client does
            // (RFC 8489 §6.2.1): on a loaded machine the server may still be draining ~26 MB of junk from its socket
            // and the kernel may have dropped this request, which is loss, not a server fault.
            StunMessage first = null;
            for (int attempt = 0; first == null; attempt++) {
                try {
                    first = c.exchange(StunMessage.request(StunMethod.ALLOCATE).build(), MessageProtection.NONE);
                } catch (java.net.SocketTimeoutException e) {
                    if (attempt == 4) {
                        throw e;
                    }
                }
            }
            c.learn(first);
            StunMessage forged = StunMessage.request(StunMethod.ALLOCATE).add(new RequestedTransport(RequestedTransport.UDP))
                    .add(new Username(USER)).add(new Realm(c.realm)).add(new Nonce(c.nonce)).build();
            assertThat(TurnTestClient.errorCode(c.exchange(forged, MessageProtection.NONE.withIntegrity(new byte[16])))).isEqualTo(401);

            assertThat(server.stats().refusals(Refusal.GARBAGE)).isPositive();
            assertThat(server.stats().allocationsActive()).isZero();
            // Still serving.
            c.allocate();
            assertThat(c.request(StunMethod.BINDING, b -> { }).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        }
    }

    @Test
    void tcpGarbageClosesTheConnectionOnly() throws IOException {
        try (TurnServer server = TestServers.start();
             Socket s = new Socket()) {
            s.connect(server.tcpAddress(), 2000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {(byte) 0xFF, 1, 2, 3, 4, 5, 6, 7});
            out.flush();
            s.setSoTimeout(2000);
            assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
            try (TurnTestClient c = TurnTestClient.tcp(server.tcpAddress()).credentials(USER, PASSWORD)) {
                c.allocate();
            }
            assertThat(server.stats().refusals(Refusal.GARBAGE)).isEqualTo(1);
        }
    }

    @Test
    void tcpStreamSplitIntoSingleBytesStillFrames() throws IOException {
        try (TurnServer server = TestServers.start();
             Socket s = new Socket()) {
            s.connect(server.tcpAddress(), 2000);
            s.setTcpNoDelay(true);
            byte[] binding = StunEncoder.standard().encode(StunMessage.request(StunMethod.BINDING).build());
            OutputStream out = s.getOutputStream();
            for (byte b : binding) {
                out.write(b);
                out.flush();
            }
            s.setSoTimeout(2000);
            byte[] head = s.getInputStream().readNBytes(20);
            assertThat(head).hasSize(20);
            assertThat(head[0] & 0xFF).as("Binding success response").isEqualTo(0x01);
        }
    }

    @Test
    void manyAbandonedAllocationsAllExpire() throws IOException {
        // 3 s: the 30 allocations must all still live when counted, even on a loaded machine
        try (TurnServer server = TestServers.start(b -> b.allocationLifetimes(Duration.ofSeconds(3), Duration.ofSeconds(3))
                .maxAllocationsPerUser(100))) {
            // every client keeps its socket until all 30 allocated: a closed client's port could be handed to the next
            // one while its allocation still lives, and the same 5-tuple allocating again is rightly a 437 mismatch
            java.util.List<TurnTestClient> clients = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 30; i++) {
                    TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
                    clients.add(c);
                    InetSocketAddress relayed = c.allocate();
                    c.channelBind(0x4000 + i, new InetSocketAddress("127.0.0.1", 9));
                    assertThat(relayed).isNotNull();
                }
            } finally {
                for (TurnTestClient c : clients) {
                    c.close();
                }
            }
            assertThat(server.stats().allocationsActive()).isEqualTo(30);
            await().atMost(Duration.ofSeconds(30)).until(() -> server.stats().allocationsActive() == 0);
            TurnServerStats s = server.stats();
            assertThat(s.allocationsExpired()).isEqualTo(30);
            assertThat(s.channelsActive()).isZero();
            assertThat(s.permissionsActive()).isZero();
        }
    }

    @Test
    void unknownComprehensionRequiredAttributeIs420AndUnknownMethod400() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            c.allocate();
            StunMessage r = c.request(StunMethod.REFRESH, b -> b.add(new dev.peerlink.stun.attribute.RawAttribute(0x7777, new byte[4])));
            assertThat(TurnTestClient.errorCode(r)).isEqualTo(420);
            StunMessage unknown = c.request(StunMethod.of(0x0FF), b -> { });
            assertThat(TurnTestClient.errorCode(unknown)).isEqualTo(400);
        }
    }
}
