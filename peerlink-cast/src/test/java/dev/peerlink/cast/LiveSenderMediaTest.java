package dev.peerlink.cast;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.cast.media.CastSource;
import dev.peerlink.cast.media.EncoderSettings;
import dev.peerlink.cast.media.Ffmpeg;
import dev.peerlink.cast.media.MediaTools;
import dev.peerlink.rtmp.client.RtmpClient;
import dev.peerlink.rtmp.client.RtmpPlaying;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The sender's loopback server serves the phone's screen only to the receiver the cast admitted. */
class LiveSenderMediaTest {
    @Test
    void onlyTheAdmittedReceiverMayPlayAndNobodyMayPublish() throws Exception {
        Ffmpeg ffmpeg = MediaTools.ffmpeg();
        try (LiveSenderMedia media = new LiveSenderMedia(ffmpeg, new CastSource.TestPattern(CastSource.Pattern.BARS),
                EncoderSettings.defaults(), false, kbps -> { })) {
            InetSocketAddress at = media.admitPlayer();
            // the admission is for one player: the first takes it
            RtmpPlaying admitted = RtmpClient.play(RtmpClient.url(at, LiveReceiverMedia.APP, CastReceiver.KEY), t -> { })
                    .get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> RtmpClient.play(RtmpClient.url(at, LiveReceiverMedia.APP, CastReceiver.KEY), t -> { })
                    .get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasMessageContaining("StreamNotFound");
            assertThatThrownBy(() -> RtmpClient.publish(RtmpClient.url(at, LiveReceiverMedia.APP, CastReceiver.KEY))
                    .get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasMessageContaining("BadName");
            admitted.close();
        }
    }
}
