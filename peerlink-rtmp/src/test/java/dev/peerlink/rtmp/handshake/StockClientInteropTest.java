package dev.peerlink.rtmp.handshake;

import dev.peerlink.testkit.tools.ExternalTool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;
import dev.peerlink.rtmp.control.SetChunkSize;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link HandshakeServer} and {@link dev.peerlink.rtmp.chunk.ChunkDecoder} against stock RTMP clients on loopback:
 * ffmpeg publishing, ffmpeg playing and rtmpdump playing. Each must finish the handshake (players verify our digest
 * S1/S2 and give up otherwise) and then send an AMF0 {@code connect} that our decoder reassembles.
 */
class StockClientInteropTest {
    /** AMF0 string marker, length 7, "connect". */
    static final byte[] CONNECT_PREFIX = concat(new byte[] {0x02, 0x00, 0x07}, "connect".getBytes(StandardCharsets.US_ASCII));

    static boolean isConnect(RtmpMessage m) {
        return m.typeId() == Type.COMMAND_AMF0 && m.payload().length >= CONNECT_PREFIX.length
                && Arrays.equals(m.payload(), 0, CONNECT_PREFIX.length, CONNECT_PREFIX, 0, CONNECT_PREFIX.length);
    }

    @Test
    void ffmpegPublisherCompletesTheHandshakeAndSendsConnect() throws Exception {
        assumeTool("ffmpeg");
        try (LoopbackRtmpServer server = new LoopbackRtmpServer(StockClientInteropTest::isConnect)) {
            String url = "rtmp://127.0.0.1:" + server.port() + "/live/test";
            try (ExternalTool ffmpeg = ExternalTool.start(List.of("ffmpeg", "-hide_banner", "-nostats",
                    "-re", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "10", "-f", "flv", url))) {
                LoopbackRtmpServer.Session s = awaitSession(server, ffmpeg);
                // ffmpeg always puts a Flash Player digest into C1, publishing or playing.
                assertThat(s.mode()).isEqualTo(HandshakeMode.DIGEST);
                assertConnect(s);
                report("ffmpeg publish", s);
            }
        }
    }

    @Test
    void ffmpegPlayerVerifiesOurDigestAndSendsConnect() throws Exception {
        assumeTool("ffmpeg");
        try (LoopbackRtmpServer server = new LoopbackRtmpServer(StockClientInteropTest::isConnect)) {
            String url = "rtmp://127.0.0.1:" + server.port() + "/live/test";
            try (ExternalTool ffmpeg = ExternalTool.start(List.of("ffmpeg", "-hide_banner", "-nostats",
                    "-i", url, "-t", "1", "-f", "null", "-"))) {
                LoopbackRtmpServer.Session s = awaitSession(server, ffmpeg);
                assertThat(s.mode()).isEqualTo(HandshakeMode.DIGEST);
                assertConnect(s);
                assertThat(ffmpeg.output()).doesNotContain("Server response validating failed", "Signature mismatch");
                report("ffmpeg play", s);
            }
        }
    }

    @Test
    void rtmpdumpRunsTheSimpleHandshakeAndSendsConnect() throws Exception {
        // librtmp sends a zero version field (the spec's simple handshake) unless SWF verification is asked for.
        LoopbackRtmpServer.Session s = rtmpdump(List.of());
        assertThat(s.mode()).isEqualTo(HandshakeMode.SIMPLE);
        assertConnect(s);
        report("rtmpdump", s);
    }

    @Test
    void rtmpdumpWithSwfVerificationVerifiesOurDigestAndSendsConnect() throws Exception {
        // An SWF hash and size switch librtmp to the Flash Player 9 handshake, which checks S1's digest and S2's
        // signature ("Server not genuine Adobe!" and a failed handshake otherwise).
        LoopbackRtmpServer.Session s = rtmpdump(List.of("-w", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                "-x", "12345"));
        assertThat(s.mode()).isEqualTo(HandshakeMode.DIGEST);
        assertConnect(s);
        report("rtmpdump FP9", s);
    }

    private static LoopbackRtmpServer.Session rtmpdump(List<String> extra) throws Exception {
        assumeTool("rtmpdump");
        try (LoopbackRtmpServer server = new LoopbackRtmpServer(StockClientInteropTest::isConnect)) {
            String url = "rtmp://127.0.0.1:" + server.port() + "/live/test";
            List<String> command = new java.util.ArrayList<>(List.of("rtmpdump", "-V", "-r", url, "-o", "/dev/null", "-m", "10"));
            command.addAll(extra);
            try (ExternalTool rtmpdump = ExternalTool.start(command)) {
                LoopbackRtmpServer.Session s = awaitSession(server, rtmpdump);
                assertThat(rtmpdump.output()).doesNotContain("not genuine", "Couldn't verify", "handshake failed");
                return s;
            }
        }
    }

    static LoopbackRtmpServer.Session awaitSession(LoopbackRtmpServer server, ExternalTool tool) throws Exception {
        try {
            return server.session().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no session (decoded " + server.messages() + "); tool output:\n" + tool.output(), e);
        }
    }

    static void assertConnect(LoopbackRtmpServer.Session s) throws Exception {
        RtmpMessage connect = s.messages().stream().filter(StockClientInteropTest::isConnect).findFirst().orElseThrow();
        assertThat(connect.streamId()).isZero();
        assertThat(connect.payload().length).isGreaterThan(CONNECT_PREFIX.length);
        for (RtmpMessage m : s.messages()) {
            if (m.typeId() == Type.SET_CHUNK_SIZE) {
                assertThat(SetChunkSize.decode(m).size()).isPositive();
            }
        }
    }

    static void report(String who, LoopbackRtmpServer.Session s) {
        System.out.printf("%s: %s handshake, then %d bytes → %s%n", who, s.mode(), s.afterHandshake().length, s.messages());
    }

    static void assumeTool(String tool) {
        Assumptions.assumeTrue(ExternalTool.onPath(tool),
                tool + " is not installed (apt-get install ffmpeg rtmpdump); skipping the interop test");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
