package dev.peerlink.cast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.cast.media.CastSource;
import dev.peerlink.cast.media.EncoderSettings;
import dev.peerlink.cast.media.Ffmpeg;
import dev.peerlink.cast.media.FlvRecorder;
import dev.peerlink.cast.media.MediaTools;
import dev.peerlink.cast.web.CastStatus;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.LadderConfig;
import dev.peerlink.peer.Peer;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.rtmp.flv.FlvReader;
import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's reverse case with the real media on loopback: the ladder may only use {@code reverse}, so the PC dials
 * back, runs the RTMP client and plays the phone's encoder output from the phone's admitted loopback server; the PC's
 * recording holds every frame.
 */
class CastReverseMediaTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    @Test
    void thePcDialsBackAndPlaysEveryFrameFromThePhone() throws Exception {
        Ffmpeg ffmpeg = MediaTools.ffmpeg();
        SignalServer server = keep(SignalServer.start(SignalServerConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0)).build(), List.of(), id -> Optional.empty()));
        Peer pc = peer(server, "pc", LadderConfig.defaults().withLoopback(true));
        Peer phone = peer(server, "phone", LadderConfig.defaults().withLoopback(true).withPaths(Set.of("reverse"))
                .withReverseAfter(Duration.ofMillis(100)));

        Path rec = dir.resolve("rec.flv");
        LiveReceiverMedia rxMedia = keep(new LiveReceiverMedia(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new CastStatus()));
        FlvRecorder recorder = keep(FlvRecorder.create(rec, false, true));
        rxMedia.record(recorder);
        CastReceiver rx = keep(CastReceiver.builder(pc.identity()).peer(pc).media(rxMedia)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).advertise(List.of(deadAddress())).start());

        EncoderSettings settings = EncoderSettings.defaults().withSize(320, 240).withFps(10).withGop(10)
                .withPreset("ultrafast").withDurationMillis(2000);
        LiveSenderMedia txMedia = keep(new LiveSenderMedia(ffmpeg, new CastSource.TestPattern(CastSource.Pattern.BARS),
                settings, false, kbps -> { }));
        CastSender.Session cast = CastSender.builder(phone.identity()).code(rx.code()).peer(() -> phone).media(txMedia)
                .build().connect();
        assertThat(cast.link().path()).isEqualTo("reverse");
        cast.done().get(60, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).until(() -> frames(rec) == 20);
    }

    private static long frames(Path file) throws Exception {
        List<FlvTag> tags = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            new FlvReader().readAll(in, tags::add);
        } catch (dev.peerlink.rtmp.RtmpException e) {
            return -1; // still being written
        }
        return tags.stream().filter(t -> t.isVideo() && !t.isAvcSequenceHeader()).count();
    }

    private Peer peer(SignalServer server, String id, LadderConfig ladder) throws Exception {
        Peer p = keep(Peer.builder().identity(DeviceIdentity.ephemeral(DeviceId.of(id))).server(server.url())
                .discovery(false).ladder(ladder).backoff(Duration.ofMillis(50), Duration.ofMillis(500)).build());
        p.start().get(30, TimeUnit.SECONDS);
        return p;
    }

    private static InetSocketAddress deadAddress() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }
}
