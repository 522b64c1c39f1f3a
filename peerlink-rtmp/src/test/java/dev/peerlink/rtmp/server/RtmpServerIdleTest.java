package dev.peerlink.rtmp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.rtmp.client.RtmpClient;
import dev.peerlink.rtmp.client.RtmpPlaying;
import dev.peerlink.rtmp.client.RtmpPublishing;
import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.rtmp.live.LiveHub;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Idle means nothing moved either way: a player only reads, yet its connection is busy while the stream flows (a
 * read timeout once ended every cast of a still picture); a connection on which nothing moves is closed.
 */
class RtmpServerIdleTest {
    private static final int IDLE = 2;

    @Test
    void aPlayerThatOnlyReadsOutlivesTheIdleTimeWhileTheStreamFlows() throws Exception {
        LiveHub hub = new LiveHub();
        try (RtmpServer server = RtmpServer.builder().hub(hub).idleSeconds(IDLE).start()) {
            List<FlvTag> got = new CopyOnWriteArrayList<>();
            RtmpPlaying player = RtmpClient.play(RtmpClient.url(server.address(), "live", "still"), got::add)
                    .get(10, TimeUnit.SECONDS);
            RtmpPublishing pub = RtmpClient.publish(RtmpClient.url(server.address(), "live", "still")).get(10, TimeUnit.SECONDS);
            pub.offer(new FlvTag(FlvTag.VIDEO, 0, new byte[] {0x17, 0, 0, 0, 0, 1, 0x42, 0, 0x1e}));
            long start = System.nanoTime();
            int frames = 0;
            // a still picture: one small frame every 400 ms for 3 idle periods
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3L * IDLE)) {
                long ts = (System.nanoTime() - start) / 1_000_000;
                pub.offer(new FlvTag(FlvTag.VIDEO, ts, new byte[] {(byte) (frames == 0 ? 0x17 : 0x27), 1, 0, 0, 0, 7}));
                frames++;
                long next = start + TimeUnit.MILLISECONDS.toNanos(400L * frames);
                await().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(2)).until(() -> System.nanoTime() >= next);
            }
            int sent = frames;
            await().atMost(Duration.ofSeconds(5)).until(() -> got.stream().filter(t -> t.body().length > 1 && t.body()[1] == 1).count() == sent);
            assertThat(player.closed()).isNotDone();
            pub.close();
            player.closed().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aConnectionOnWhichNothingMovesIsClosed() throws Exception {
        try (RtmpServer server = RtmpServer.builder().hub(new LiveHub()).idleSeconds(IDLE).start();
             Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
            silent.setSoTimeout((int) TimeUnit.SECONDS.toMillis(4L * IDLE));
            InputStream in = silent.getInputStream();
            long start = System.nanoTime();
            assertThat(in.read()).as("closed by the server").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(IDLE * 1000L - 200));
        }
    }
}
