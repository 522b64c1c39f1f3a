package dev.peerlink.rtmp.handshake;

import dev.peerlink.testkit.tools.ExternalTool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;
import dev.peerlink.rtmp.chunk.ChunkDecoder;
import dev.peerlink.rtmp.chunk.ChunkEncoder;
import dev.peerlink.rtmp.control.ControlMessage;
import dev.peerlink.rtmp.control.SetChunkSize;
import dev.peerlink.rtmp.control.SetPeerBandwidth;
import dev.peerlink.rtmp.control.UserControl;
import dev.peerlink.rtmp.control.WindowAckSize;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link HandshakeClient}, {@link ChunkEncoder}, {@link ChunkDecoder} and the control decoders against ffmpeg as the
 * RTMP server ({@code -listen 1}, the seed's reverse case with a stock phone): the handshake completes, a hand-built
 * AMF0 {@code connect} goes out through our encoder, and ffmpeg's answer — Window Acknowledgement Size, Set Peer
 * Bandwidth, Stream Begin, Set Chunk Size and the {@code _result} — comes back through our decoder.
 */
class StockServerInteropTest {

    @ParameterizedTest
    @EnumSource(HandshakeMode.class)
    void clientHandshakesWithFfmpegListenerAndDecodesItsConnectAnswer(HandshakeMode mode) throws Exception {
        StockClientInteropTest.assumeTool("ffmpeg");
        int port = freePort();
        try (ExternalTool ffmpeg = ExternalTool.start(List.of("ffmpeg", "-hide_banner", "-nostats",
                "-f", "flv", "-listen", "1", "-i", "rtmp://127.0.0.1:" + port + "/live/x", "-f", "null", "-"))) {
            try (Socket socket = connectWhenListening(port, ffmpeg)) {
                socket.setSoTimeout(15_000);
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();

                HandshakeClient client = new HandshakeClient(mode);
                out.write(client.start());
                ByteBuf buf = Unpooled.buffer();
                byte[] chunk = new byte[8192];
                while (!client.isDone()) {
                    int n = in.read(chunk);
                    assertThat(n).as("ffmpeg closed during the handshake:\n%s", ffmpeg.output()).isPositive();
                    buf.writeBytes(chunk, 0, n);
                    out.write(client.feed(buf).toSend());
                }
                // ffmpeg's listen mode answers with a zero version field: the simple exchange, whatever we sent.
                assertThat(client.serverMode()).contains(HandshakeMode.SIMPLE);

                ByteBuf wire = Unpooled.buffer();
                new ChunkEncoder().encode(new RtmpMessage(Type.COMMAND_AMF0, 0, 0, connect(port)), wire);
                byte[] bytes = new byte[wire.readableBytes()];
                wire.readBytes(bytes);
                out.write(bytes);

                ChunkDecoder decoder = new ChunkDecoder();
                List<RtmpMessage> received = new ArrayList<>();
                while (received.stream().noneMatch(StockServerInteropTest::isResult)) {
                    decoder.decode(buf, received::add);
                    buf.discardReadBytes();
                    if (received.stream().noneMatch(StockServerInteropTest::isResult)) {
                        int n = in.read(chunk);
                        assertThat(n).as("ffmpeg closed before _result; got %s:\n%s", received, ffmpeg.output())
                                .isPositive();
                        buf.writeBytes(chunk, 0, n);
                    }
                }
                List<ControlMessage> control = new ArrayList<>();
                for (RtmpMessage m : received) {
                    if (ControlMessage.isControl(m.typeId())) {
                        control.add(ControlMessage.decode(m));
                    }
                }
                System.out.printf("ffmpeg listen (%s client): %s%n", mode, control);
                assertThat(control).hasAtLeastOneElementOfType(WindowAckSize.class)
                        .hasAtLeastOneElementOfType(SetPeerBandwidth.class)
                        .hasAtLeastOneElementOfType(UserControl.StreamBegin.class)
                        .hasAtLeastOneElementOfType(SetChunkSize.class);
                int announced = control.stream().filter(SetChunkSize.class::isInstance)
                        .map(c -> ((SetChunkSize) c).size()).reduce((a, b) -> b).orElseThrow();
                assertThat(decoder.chunkSize()).isEqualTo(announced);
            }
        }
    }

    @Test
    void resultDetectorMatchesOnlyTheResultCommand() throws Exception {
        // Guard for the test above: its loop ends only on a real _result.
        assertThat(isResult(new RtmpMessage(Type.COMMAND_AMF0, 0, 0, amfString("onBWDone")))).isFalse();
        assertThat(isResult(new RtmpMessage(Type.COMMAND_AMF0, 0, 0, amfString("_result")))).isTrue();
    }

    static boolean isResult(RtmpMessage m) {
        byte[] want = amfString("_result");
        return m.typeId() == Type.COMMAND_AMF0 && m.payload().length >= want.length
                && java.util.Arrays.equals(m.payload(), 0, want.length, want, 0, want.length);
    }

    /** A minimal AMF0 connect: "connect", transaction 1, {app, type, flashVer, tcUrl}. */
    static byte[] connect(int port) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.write(amfString("connect"));
        d.writeByte(0x00);
        d.writeDouble(1.0);
        d.writeByte(0x03);
        property(d, "app", "live");
        property(d, "type", "nonprivate");
        property(d, "flashVer", "FMLE/3.0 (compatible; peerlink)");
        property(d, "tcUrl", "rtmp://127.0.0.1:" + port + "/live");
        d.write(new byte[] {0x00, 0x00, 0x09});
        return b.toByteArray();
    }

    private static void property(DataOutputStream d, String key, String value) throws IOException {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        d.writeShort(k.length);
        d.write(k);
        d.write(amfString(value));
    }

    static byte[] amfString(String s) {
        byte[] v = s.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[3 + v.length];
        b[0] = 0x02;
        b[1] = (byte) (v.length >>> 8);
        b[2] = (byte) v.length;
        System.arraycopy(v, 0, b, 3, v.length);
        return b;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Connects once ffmpeg listens (it takes a moment to start); fails early if ffmpeg exits. */
    private static Socket connectWhenListening(int port, ExternalTool ffmpeg) {
        AtomicReference<Socket> socket = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(ffmpeg.isAlive()).as("ffmpeg exited:\n%s", ffmpeg.output()).isTrue();
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                socket.set(s);
                return true;
            } catch (IOException e) {
                s.close();
                return false;
            }
        });
        return socket.get();
    }
}
