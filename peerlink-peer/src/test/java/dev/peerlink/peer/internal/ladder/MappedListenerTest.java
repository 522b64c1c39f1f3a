package dev.peerlink.peer.internal.ladder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.protocol.ProbePacket;
import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.SessionConfig;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The persistent listener's demultiplexing (probe vs TLS vs garbage) and its failure rate limit. */
class MappedListenerTest {
    static void send(int port, byte[] b) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(b);
            out.flush();
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).as("the listener closes every non-TLS connection").isEqualTo(-1);
        }
    }

    @Test
    void probesReachTheSinkAndGarbageIsRateLimited() throws Exception {
        AtomicInteger probes = new AtomicInteger();
        Map<String, LadderSide> routes = new ConcurrentHashMap<>();
        try (MappedListener l = MappedListener.open(0, DeviceIdentity.generate(), SessionConfig.defaults(), routes,
                (b, n) -> ProbePacket.isProbe(b, 0, n) && probes.incrementAndGet() > 0)) {
            byte[] probe = ProbePacket.encode(ProbePacket.newNonce());
            send(l.port(), probe);
            await().atMost(Duration.ofSeconds(5)).until(() -> probes.get() == 1);

            // burn the failure budget with garbage; with the bucket empty even a good probe is closed unread (a slow
            // machine may refill a token between sends, so burn and try again a few times)
            boolean refusedUnread = false;
            for (int round = 0; round < 10 && !refusedUnread; round++) {
                for (int i = 0; i < (round == 0 ? MappedListener.FAILURE_BURST + 5 : 5); i++) {
                    send(l.port(), "GET / HTTP/1.0\r\n\r\n".getBytes());
                }
                int rejected = l.rejected();
                int before = probes.get();
                send(l.port(), probe);
                await().atMost(Duration.ofSeconds(2)).until(() -> l.rejected() > rejected || probes.get() > before);
                refusedUnread = probes.get() == before;
            }
            assertThat(refusedUnread).as("a probe refused while the failure budget is empty").isTrue();
            int seen = probes.get();
            // the bucket refills (2/s): within a few seconds a probe is read again
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250)).until(() -> {
                send(l.port(), probe);
                return probes.get() > seen;
            });
        }
    }
}
