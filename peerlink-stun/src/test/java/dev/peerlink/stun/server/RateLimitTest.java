package dev.peerlink.stun.server;

import static dev.peerlink.stun.server.TestClients.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.server.internal.RateLimiter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitTest {
    @Test
    void floodFromOneSourceIsCutAndRecovers() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (StunServer server = StunServer.start(StunServerConfig.builder()
                .primary(new InetSocketAddress(lo, 0)).tcp(false).ioThreads(1).rateLimit(2, 5).build());
             var c = new TestClients.Udp(lo)) {
            InetSocketAddress to = server.udpAddresses().get(0);
            for (int i = 0; i < 20; i++) {
                c.send(encode(StunMessage.request(StunMethod.BINDING).build()), to);
            }
            int answered = 0;
            while (c.receiveWithin(300) != null) {
                answered++;
            }
            // The burst of 5, plus at most one refilled token while the 20 were sent.
            assertThat(answered).isBetween(5, 6);
            assertThat(server.stats().rateLimited()).isEqualTo(20 - answered);

            // Tokens come back at 2/s: a request is answered again soon.
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
                c.send(encode(StunMessage.request(StunMethod.BINDING).build()), to);
                return c.receiveWithin(100) != null;
            });
        }
    }

    @Test
    void tableStaysBoundedAndKeepsLimitingAHotSourceUnderChurn() throws Exception {
        RateLimiter limiter = new RateLimiter(1, 3, 64);
        InetAddress hot = InetAddress.getByName("192.0.2.1");
        long now = 1_000_000_000L;
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire(hot, now)).isTrue();
        }
        assertThat(limiter.tryAcquire(hot, now)).isFalse();
        // 100k spoofed sources: memory is fixed (a 64-entry table) and the hot source, with the
        // emptiest bucket of its set, is never the one evicted.
        byte[] ip = new byte[4];
        for (int i = 0; i < 100_000; i++) {
            ip[0] = 10;
            ip[1] = (byte) (i >> 16);
            ip[2] = (byte) (i >> 8);
            ip[3] = (byte) i;
            assertThat(limiter.tryAcquire(InetAddress.getByAddress(ip), now)).isTrue();
        }
        assertThat(limiter.tryAcquire(hot, now)).isFalse();
        // One second later it has a token again.
        assertThat(limiter.tryAcquire(hot, now + 1_000_000_000L)).isTrue();
        assertThat(limiter.tryAcquire(hot, now + 1_000_000_000L)).isFalse();
    }

    @Test
    void ipv6SourcesAreLimitedToo() throws Exception {
        RateLimiter limiter = new RateLimiter(1, 1, 64);
        InetAddress a = InetAddress.getByName("2001:db8::1");
        InetAddress b = InetAddress.getByName("2001:db8::2");
        assertThat(limiter.tryAcquire(a, 0)).isTrue();
        assertThat(limiter.tryAcquire(a, 0)).isFalse();
        assertThat(limiter.tryAcquire(b, 0)).isTrue();
    }
}
