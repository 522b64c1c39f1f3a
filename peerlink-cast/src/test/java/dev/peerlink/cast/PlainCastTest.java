package dev.peerlink.cast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.cast.media.FlvRecorder;
import dev.peerlink.cast.web.CastStatus;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.pairing.PairingCode;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.rtmp.client.RtmpClient;
import dev.peerlink.rtmp.client.RtmpUrl;
import dev.peerlink.testkit.tools.ExternalTool;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 000's unencrypted LAN case with a stock client: ffmpeg publishes plain RTMP to the receiver under the one-time
 * token, the receiver records it, and the token is spent as by a pairing dial. On loopback.
 */
class PlainCastTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private final List<CastEvent> events = new CopyOnWriteArrayList<>();
    private final CastStatus status = new CastStatus();
    private LiveReceiverMedia media;
    private PlainCastServer plain;
    private FlvRecorder recorder;
    private Path recording;
    private CastReceiver rx;

    @BeforeEach
    void receiver() throws Exception {
        ExternalTool.assumeOnPath("ffmpeg", "ffmpeg");
        ExternalTool.assumeOnPath("ffprobe", "ffmpeg");
        media = new LiveReceiverMedia(new InetSocketAddress(LOOPBACK, 0), status);
        plain = media.servePlain(new InetSocketAddress(LOOPBACK, 0));
        recording = dir.resolve("plain.flv");
        recorder = FlvRecorder.create(recording, false, true);
        media.record(recorder);
        rx = CastReceiver.builder(DeviceIdentity.ephemeral(DeviceId.of("pc"))).media(media).plain(plain)
                .bind(new InetSocketAddress(LOOPBACK, 0)).onEvent(events::add).start();
    }

    @AfterEach
    void close() throws Exception {
        if (rx != null) {
            rx.close();
            plain.close();
            media.close();
            recorder.close();
        }
    }

    @Test
    void theUrlCarriesTheTokenAsTheStreamKey() {
        PairingCode code = rx.code();
        assertThat(rx.plainUrl()).isEqualTo("rtmp://127.0.0.1:" + plain.address().getPort() + "/cast/"
                + java.util.HexFormat.of().formatHex(code.token()));
    }

    @Test
    void aStockClientPublishingUnderTheTokenIsRecordedAndTheCodeIsRenewed() throws Exception {
        String first = rx.code().toText();
        try (ExternalTool ffmpeg = publish(rx.plainUrl(), 2)) {
            assertThat(ffmpeg.exitCode()).as(ffmpeg.output()).isZero();
        }
        awaitEvent("casting", "plain");
        awaitEvent("ended", "plain");
        await().atMost(Duration.ofSeconds(10)).until(() -> count("waiting") == 2);
        assertThat(rx.code().toText()).isNotEqualTo(first);

        String probe = probe(recording);
        System.out.println("plain cast recorded: " + probe + " (codec,frames; 50 sent)");
        String[] f = probe.split(",");
        assertThat(f[0]).isEqualTo("h264");
        assertThat(Integer.parseInt(f[1])).isBetween(45, 50);
    }

    @Test
    void aWrongKeyIsRefusedAndNothingIsRecorded() throws Exception {
        String code = rx.code().toText();
        String wrong = rx.plainUrl().replaceAll("/cast/.*", "/cast/" + "0".repeat(32));
        try (ExternalTool ffmpeg = publish(wrong, 1)) {
            assertThat(ffmpeg.exitCode()).as(ffmpeg.output()).isNotZero();
            // ffmpeg's words for NetStream.Publish.BadName
            assertThat(ffmpeg.output()).contains("is already being published");
        }
        awaitEvent("refused", null);
        assertThat(events).noneMatch(e -> e.event().equals("casting"));
        assertThat(recorder.tagsWritten()).isZero();
        assertThat(rx.code().toText()).as("a wrong key does not spend the code").isEqualTo(code);
    }

    @Test
    void afterAPlainCastTheOldKeyNoLongerWorks() throws Exception {
        String oldUrl = rx.plainUrl();
        try (ExternalTool ffmpeg = publish(oldUrl, 1)) {
            assertThat(ffmpeg.exitCode()).as(ffmpeg.output()).isZero();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> count("waiting") == 2);
        long written = recorder.tagsWritten();
        assertThat(rx.plainUrl()).isNotEqualTo(oldUrl);

        try (ExternalTool again = publish(oldUrl, 1)) {
            assertThat(again.exitCode()).as(again.output()).isNotZero();
        }
        assertThat(events).filteredOn(e -> e.event().equals("casting")).hasSize(1);
        assertThat(recorder.tagsWritten()).isEqualTo(written);
        // the new key works
        try (ExternalTool ffmpeg = publish(rx.plainUrl(), 1)) {
            assertThat(ffmpeg.exitCode()).as(ffmpeg.output()).isZero();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> count("ended") == 2);
    }

    @Test
    void aDirectDialAfterThePlainCastClaimedTheCodeIsRefused() throws Exception {
        PairingCode code = rx.code();
        try (ExternalTool ffmpeg = ExternalTool.start(ffmpeg(rx.plainUrl(), 30, true))) {
            awaitEvent("casting", "plain");
            assertThatThrownBy(() -> CastSender.builder(DeviceIdentity.ephemeral(DeviceId.of("phone"))).code(code)
                    .media(new UnusedSenderMedia()).build().connect())
                    .isInstanceOf(CastException.class);
            assertThat(events).filteredOn(e -> e.event().equals("casting")).hasSize(1);
            assertThat(ffmpeg.isAlive()).as("the plain cast goes on").isTrue();
        }
        awaitEvent("ended", "plain");
        // and after it ended, the spent code still cannot be used
        assertThatThrownBy(() -> CastSender.builder(DeviceIdentity.ephemeral(DeviceId.of("phone"))).code(code)
                .media(new UnusedSenderMedia()).build().connect())
                .isInstanceOf(CastException.class);
    }

    @Test
    void playersAreRefusedOnThePlainPort() throws Exception {
        RtmpUrl url = RtmpUrl.parse(rx.plainUrl());
        assertThatThrownBy(() -> RtmpClient.play(url, t -> { }).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        assertThat(events).noneMatch(e -> e.event().equals("casting"));
    }

    @Test
    void afterTwentyWrongKeysEvenTheRightKeyIsRefusedUntilTheNextCode() throws Exception {
        RtmpUrl right = RtmpUrl.parse(rx.plainUrl());
        for (int i = 0; i < CastReceiver.MAX_PLAIN_FAILURES; i++) {
            RtmpUrl wrong = new RtmpUrl(right.host(), right.port(), right.app(), String.format("%032x", i));
            assertThatThrownBy(() -> RtmpClient.publish(wrong).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        }
        try (ExternalTool ffmpeg = publish(right.toString(), 1)) {
            assertThat(ffmpeg.exitCode()).as(ffmpeg.output()).isNotZero();
        }
        assertThat(events).noneMatch(e -> e.event().equals("casting"));
        await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(e -> "refused".equals(e.event())
                && e.detail().contains("off until the next code")));
    }

    // --- helpers ---

    private static ExternalTool publish(String url, int seconds) throws Exception {
        return ExternalTool.run(Duration.ofSeconds(30), ffmpeg(url, seconds, false));
    }

    /** A stock client: ffmpeg encodes a test pattern (25 fps) and publishes it as FLV over RTMP. */
    private static List<String> ffmpeg(String url, int seconds, boolean realtime) {
        List<String> c = new java.util.ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin"));
        if (realtime) {
            c.add("-re");
        }
        c.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p", "-f", "flv", url));
        return c;
    }

    /** "codec,frames" of the first video stream, decoded by ffprobe. */
    private static String probe(Path file) throws Exception {
        try (ExternalTool p = ExternalTool.run(Duration.ofSeconds(30), List.of("ffprobe", "-v", "error", "-count_frames",
                "-select_streams", "v:0", "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0",
                file.toString()))) {
            assertThat(p.exitCode()).as(p.output()).isZero();
            return p.output().trim();
        }
    }

    private void awaitEvent(String event, String path) {
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                .anyMatch(e -> e.event().equals(event) && (path == null || path.equals(e.path()))));
    }

    private long count(String event) {
        return events.stream().filter(e -> e.event().equals(event)).count();
    }

    /** The dial is refused before any media would run. */
    private static final class UnusedSenderMedia implements SenderMedia {
        @Override
        public CompletableFuture<Void> publishTo(InetSocketAddress via, String key) {
            throw new AssertionError("no stream expected");
        }

        @Override
        public InetSocketAddress admitPlayer() {
            throw new AssertionError("no stream expected");
        }

        @Override
        public CompletableFuture<Void> finished() {
            return new CompletableFuture<>();
        }
    }
}
