package dev.peerlink.stun.server;

import static dev.peerlink.stun.server.TestClients.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.XorMappedAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StunServerTcpTest {
    private StunServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private InetSocketAddress start(StunServerConfig.Builder b) throws IOException {
        server = StunServer.start(b.primary(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).ioThreads(1).build());
        return server.tcpAddresses().get(0);
    }

    @Test
    void bindingOverTcp() throws IOException {
        try (var t = new TestClients.Tcp(start(StunServerConfig.builder()))) {
            StunMessage req = StunMessage.request(StunMethod.BINDING).build();
            t.write(encode(req));
            StunMessage resp = t.read();
            assertThat(resp.transactionId()).isEqualTo(req.transactionId());
            assertThat(resp.attribute(XorMappedAddress.class)).map(XorMappedAddress::address)
                    .contains((InetSocketAddress) t.socket.getLocalSocketAddress());
        }
    }

    @Test
    void framesSplitAcrossWrites() throws IOException {
        try (var t = new TestClients.Tcp(start(StunServerConfig.builder()))) {
            StunMessage req = StunMessage.request(StunMethod.BINDING).add(new dev.peerlink.stun.attribute.Software("split")).build();
            byte[] bytes = encode(req);
            for (byte b : bytes) {
                t.write(new byte[] {b}); // TCP_NODELAY: one segment per byte
            }
            assertThat(t.read().transactionId()).isEqualTo(req.transactionId());
        }
    }

    @Test
    void framesCoalescedInOneWrite() throws IOException {
        try (var t = new TestClients.Tcp(start(StunServerConfig.builder()))) {
            StunMessage a = StunMessage.request(StunMethod.BINDING).build();
            StunMessage b = StunMessage.request(StunMethod.BINDING).build();
            StunMessage c = StunMessage.request(StunMethod.BINDING).build();
            byte[] ea = encode(a);
            byte[] eb = encode(b);
            byte[] ec = encode(c);
            byte[] all = new byte[ea.length + eb.length + 10];
            System.arraycopy(ea, 0, all, 0, ea.length);
            System.arraycopy(eb, 0, all, ea.length, eb.length);
            System.arraycopy(ec, 0, all, ea.length + eb.length, 10); // and the start of a third
            t.write(all);
            assertThat(t.read().transactionId()).isEqualTo(a.transactionId());
            assertThat(t.read().transactionId()).isEqualTo(b.transactionId());
            t.write(java.util.Arrays.copyOfRange(ec, 10, ec.length));
            assertThat(t.read().transactionId()).isEqualTo(c.transactionId());
        }
    }

    @Test
    void garbageClosesTheConnection() throws IOException {
        InetSocketAddress addr = start(StunServerConfig.builder());
        try (var t = new TestClients.Tcp(addr)) {
            t.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            assertThat(t.closedByServer()).isTrue();
        }
        try (var t = new TestClients.Tcp(addr)) {
            byte[] bad = encode(StunMessage.request(StunMethod.BINDING).build());
            bad[4] ^= 1; // frames fine, fails the magic cookie
            t.write(bad);
            assertThat(t.closedByServer()).isTrue();
        }
        assertThat(server.stats().droppedGarbage()).isEqualTo(2);
        assertThat(server.stats().responses()).isZero();
    }

    @Test
    void idleConnectionsAreClosed() throws IOException {
        try (var t = new TestClients.Tcp(start(StunServerConfig.builder().tcpIdleTimeout(Duration.ofMillis(300))))) {
            t.write(encode(StunMessage.request(StunMethod.BINDING).build()));
            assertThat(t.read().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(t.closedByServer()).isTrue(); // within the 3 s read timeout
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosed() throws IOException {
        InetSocketAddress addr = start(StunServerConfig.builder().tcpMaxConnections(1));
        try (var first = new TestClients.Tcp(addr)) {
            first.write(encode(StunMessage.request(StunMethod.BINDING).build()));
            assertThat(first.read().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            try (var second = new TestClients.Tcp(addr)) {
                assertThat(second.closedByServer()).isTrue();
            }
        }
        // The slot frees up when the first connection goes.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (var again = new TestClients.Tcp(addr)) {
                again.write(encode(StunMessage.request(StunMethod.BINDING).build()));
                assertThat(again.read().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            }
        });
    }
}
