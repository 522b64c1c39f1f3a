package dev.peerlink.cast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.cast.media.FlvRecorder;
import dev.peerlink.cast.web.CastStatus;
import dev.peerlink.rtmp.client.RtmpClient;
import dev.peerlink.rtmp.client.RtmpPublishing;
import dev.peerlink.rtmp.flv.FlvReader;
import dev.peerlink.rtmp.flv.FlvTag;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiver's media: only an admitted publisher reaches the stream; one recording spans several casts. */
class LiveReceiverMediaTest {
    @TempDir
    Path dir;

    private static List<FlvTag> gop(int frames) {
        List<FlvTag> tags = new ArrayList<>();
        tags.add(new FlvTag(FlvTag.VIDEO, 0, new byte[] {0x17, 0, 0, 0, 0, 1, 0x42, 0, 0x1e})); // AVC sequence header
        for (int i = 0; i < frames; i++) {
            tags.add(new FlvTag(FlvTag.VIDEO, i * 40L, new byte[] {(byte) (i == 0 ? 0x17 : 0x27), 1, 0, 0, 0, 9, 9, 9}));
        }
        return tags;
    }

    private static void publish(InetSocketAddress at, List<FlvTag> tags) throws Exception {
        RtmpPublishing pub = RtmpClient.publish(RtmpClient.url(at, LiveReceiverMedia.APP, CastReceiver.KEY))
                .get(10, TimeUnit.SECONDS);
        for (FlvTag t : tags) {
            await().atMost(Duration.ofSeconds(5)).until(() -> pub.offer(t));
        }
        pub.close();
        pub.closed().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPublisherTheCastDidNotAdmitIsRefused() throws Exception {
        try (LiveReceiverMedia media = new LiveReceiverMedia(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new CastStatus())) {
            assertThatThrownBy(() -> RtmpClient.publish(RtmpClient.url(media.rtmpServer(), LiveReceiverMedia.APP,
                    CastReceiver.KEY)).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("BadName");
            InetSocketAddress admitted = media.admitPublisher();
            RtmpPublishing pub = RtmpClient.publish(RtmpClient.url(admitted, LiveReceiverMedia.APP, CastReceiver.KEY))
                    .get(10, TimeUnit.SECONDS);
            pub.close();
            // the admission was for one publisher only
            assertThatThrownBy(() -> RtmpClient.publish(RtmpClient.url(admitted, LiveReceiverMedia.APP,
                    CastReceiver.KEY)).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("BadName");
        }
    }

    @Test
    void oneRecordingSpansSeveralCastsWithAContinuousClock() throws Exception {
        Path file = dir.resolve("rec.flv");
        try (LiveReceiverMedia media = new LiveReceiverMedia(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new CastStatus()); FlvRecorder recorder = FlvRecorder.create(file, false, true)) {
            media.record(recorder);
            publish(media.admitPublisher(), gop(25));
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.tagsWritten() >= 26);
            publish(media.admitPublisher(), gop(25));
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.tagsWritten() >= 52);
        }
        List<FlvTag> tags = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            new FlvReader().readAll(in, tags::add);
        }
        long frames = tags.stream().filter(t -> t.isVideo() && !t.isAvcSequenceHeader()).count();
        assertThat(frames).isEqualTo(50);
        for (int i = 1; i < tags.size(); i++) {
            assertThat(tags.get(i).timestamp()).as("tag %d", i).isGreaterThanOrEqualTo(tags.get(i - 1).timestamp());
        }
        assertThat(tags.get(tags.size() - 1).timestamp()).isGreaterThanOrEqualTo(24 * 40 + 24 * 40);
    }
}
