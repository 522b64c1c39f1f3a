package dev.peerlink.rtmp.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both handshake state machines: the simple and digest forms, their checks, incremental feeding and leftovers. */
class HandshakeTest {
    /** The 32 constant bytes of the long keys, typed here independently of the main code. */
    static final byte[] KEY_TAIL = HexFormat.of().parseHex(
            "f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae");
    static final byte[] PLAYER_SHORT = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SERVER_SHORT = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);

    private final SplittableRandom seeded = new SplittableRandom(42);

    private HandshakeServer server() {
        return new HandshakeServer(new SplittableRandom(1), () -> 5000);
    }

    private HandshakeClient client(HandshakeMode mode) {
        return new HandshakeClient(mode, new SplittableRandom(2), () -> 7000);
    }

    static ByteBuf buf(byte[]... parts) {
        ByteBuf b = Unpooled.buffer();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b;
    }

    private byte[] simpleC1() {
        byte[] c1 = new byte[1536];
        seeded.nextBytes(c1);
        c1[0] = 0;
        c1[1] = 0;
        c1[2] = 0x10;
        c1[3] = 0;                                // time 4096
        Arrays.fill(c1, 4, 8, (byte) 0);          // zero
        return c1;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuf b = buf(parts);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    @Test
    void simpleServerAnswersS0S1S2AndAcceptsAnEchoC2() throws Exception {
        HandshakeServer server = server();
        byte[] c1 = simpleC1();
        HandshakeStep step = server.feed(buf(new byte[] {3}, c1));
        assertThat(step.done()).isFalse();
        byte[] out = step.toSend();
        assertThat(out).hasSize(1 + 1536 + 1536);
        assertThat(out[0]).isEqualTo((byte) 3);
        byte[] s1 = Arrays.copyOfRange(out, 1, 1537);
        byte[] s2 = Arrays.copyOfRange(out, 1537, 3073);
        assertThat(Arrays.copyOfRange(s1, 0, 8)).containsExactly(0, 0, 0x13, 0x88, 0, 0, 0, 0); // time 5000, zero
        assertThat(Arrays.copyOfRange(s2, 0, 4)).isEqualTo(Arrays.copyOfRange(c1, 0, 4));        // C1's time
        assertThat(Arrays.copyOfRange(s2, 4, 8)).containsExactly(0, 0, 0x13, 0x88);              // time read
        assertThat(Arrays.copyOfRange(s2, 8, 1536)).isEqualTo(Arrays.copyOfRange(c1, 8, 1536));  // random echo
        assertThat(server.mode()).contains(HandshakeMode.SIMPLE);

        byte[] c2 = s1.clone();
        c2[4] = 9; // the time-read field is the client's own
        byte[] firstChunk = {0x03, 0, 0, 0};
        ByteBuf rest = buf(c2, firstChunk);
        HandshakeStep last = server.feed(rest);
        assertThat(last.done()).isTrue();
        assertThat(last.hasOutput()).isFalse();
        assertThat(server.isDone()).isTrue();
        // what the client pipelined after C2 is left for the chunk decoder
        assertThat(rest.readableBytes()).isEqualTo(4);
        assertThat(rest.readByte()).isEqualTo((byte) 3);
    }

    @Test
    void bytesArrivingOneAtATimeGiveTheSameAnswer() throws Exception {
        byte[] c0c1 = concat(new byte[] {3}, simpleC1());
        byte[] whole = server().feed(buf(c0c1)).toSend();
        HandshakeServer server = server();
        byte[] answer = null;
        for (byte b : c0c1) {
            HandshakeStep step = server.feed(buf(new byte[] {b}));
            if (step.hasOutput()) {
                assertThat(answer).isNull();
                answer = step.toSend();
            }
        }
        assertThat(answer).isEqualTo(whole);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 6, 8, 'G', 0xFF})
    void versionsOtherThan3AreRejectedOnTheFirstByte(int version) {
        HandshakeServer server = server();
        assertThat(catchThrowableOfType(RtmpException.class, () -> server.feed(buf(new byte[] {(byte) version})))
                .reason()).isEqualTo(Reason.BAD_VERSION);
        // and the failure is final
        assertThat(catchThrowableOfType(RtmpException.class, () -> server.feed(buf(new byte[] {3}))).reason())
                .isEqualTo(Reason.BAD_VERSION);
    }

    @Test
    void simpleC2ThatDoesNotEchoS1IsAMismatch() throws Exception {
        HandshakeServer server = server();
        server.feed(buf(new byte[] {3}, simpleC1()));
        byte[] c2 = new byte[1536];
        assertThat(catchThrowableOfType(RtmpException.class, () -> server.feed(buf(c2))).reason())
                .isEqualTo(Reason.HANDSHAKE_MISMATCH);
    }

    @Test
    void endOfInputBeforeTheEndIsTruncated() throws Exception {
        HandshakeServer server = server();
        server.feed(buf(new byte[] {3, 0, 0}));
        assertThat(catchThrowableOfType(RtmpException.class, server::endOfInput).reason()).isEqualTo(Reason.TRUNCATED);
        HandshakeClient client = client(HandshakeMode.SIMPLE);
        client.start();
        assertThat(catchThrowableOfType(RtmpException.class, client::endOfInput).reason()).isEqualTo(Reason.TRUNCATED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SIMPLE", "DIGEST"})
    void ourClientAndServerAgree(HandshakeMode mode) throws Exception {
        HandshakeClient client = client(mode);
        HandshakeServer server = server();
        HandshakeStep s = server.feed(buf(client.start()));
        HandshakeStep c = client.feed(buf(s.toSend()));
        assertThat(c.done()).isTrue();
        HandshakeStep last = server.feed(buf(c.toSend()));
        assertThat(last.done()).isTrue();
        assertThat(server.mode()).contains(mode);
        assertThat(client.serverMode()).contains(mode);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void digestC1UnderEitherSchemeGetsAVerifiableDigestS1AndSignedS2(int scheme) throws Exception {
        byte[] c1 = new byte[1536];
        seeded.nextBytes(c1);
        c1[4] = 10;
        c1[5] = 0;
        c1[6] = 45;
        c1[7] = 2;
        int offset = digestOffset(c1, scheme);
        System.arraycopy(digest(c1, offset, PLAYER_SHORT), 0, c1, offset, 32);

        HandshakeServer server = server();
        byte[] out = server.feed(buf(new byte[] {3}, c1)).toSend();
        assertThat(server.mode()).contains(HandshakeMode.DIGEST);
        byte[] s1 = Arrays.copyOfRange(out, 1, 1537);
        byte[] s2 = Arrays.copyOfRange(out, 1537, 3073);
        assertThat(s1[4]).as("a server version ffmpeg verifies").isGreaterThanOrEqualTo((byte) 3);
        int s1Offset = digestOffset(s1, scheme);
        assertThat(Arrays.copyOfRange(s1, s1Offset, s1Offset + 32)).isEqualTo(digest(s1, s1Offset, SERVER_SHORT));
        byte[] c1Digest = Arrays.copyOfRange(c1, offset, offset + 32);
        assertThat(Arrays.copyOfRange(s2, 1504, 1536)).isEqualTo(signature(s2, c1Digest, concat(SERVER_SHORT, KEY_TAIL)));

        // a player's C2: random bytes signed with the key derived from S1's digest
        byte[] c2 = new byte[1536];
        seeded.nextBytes(c2);
        byte[] s1Digest = Arrays.copyOfRange(s1, s1Offset, s1Offset + 32);
        System.arraycopy(signature(c2, s1Digest, concat(PLAYER_SHORT, KEY_TAIL)), 0, c2, 1504, 32);
        assertThat(server.feed(buf(c2)).done()).isTrue();
    }

    @Test
    void digestModeAlsoAcceptsAC2EchoingS1AsFfmpegSendsWhenPublishing() throws Exception {
        HandshakeServer server = server();
        byte[] out = server.feed(buf(client(HandshakeMode.DIGEST).start())).toSend();
        assertThat(server.feed(buf(Arrays.copyOfRange(out, 1, 1537))).done()).isTrue();
    }

    @Test
    void digestModeRejectsAC2ThatIsNeitherEchoNorSigned() throws Exception {
        HandshakeServer server = server();
        server.feed(buf(client(HandshakeMode.DIGEST).start()));
        assertThat(catchThrowableOfType(RtmpException.class, () -> server.feed(buf(new byte[1536]))).reason())
                .isEqualTo(Reason.BAD_DIGEST);
    }

    @Test
    void aVersionedC1WithoutAValidDigestFallsBackToTheSimpleHandshake() throws Exception {
        byte[] c1 = simpleC1();
        c1[4] = 9;
        HandshakeServer server = server();
        byte[] out = server.feed(buf(new byte[] {3}, c1)).toSend();
        assertThat(server.mode()).contains(HandshakeMode.SIMPLE);
        assertThat(Arrays.copyOfRange(out, 1537 + 8, 3073)).isEqualTo(Arrays.copyOfRange(c1, 8, 1536));
    }

    @Test
    void digestClientRejectsAFlashS1WithoutItsDigest() throws Exception {
        HandshakeClient client = client(HandshakeMode.DIGEST);
        client.start();
        byte[] s1 = new byte[1536];
        s1[4] = 4;
        assertThat(catchThrowableOfType(RtmpException.class, () -> client.feed(buf(new byte[] {3}, s1))).reason())
                .isEqualTo(Reason.BAD_DIGEST);
    }

    @Test
    void digestClientRejectsAnS2WithoutTheServerSignature() throws Exception {
        HandshakeClient client = client(HandshakeMode.DIGEST);
        byte[] out = server().feed(buf(client.start())).toSend();
        Arrays.fill(out, 1537 + 1504, 3073, (byte) 0); // wipe S2's signature
        assertThat(catchThrowableOfType(RtmpException.class, () -> client.feed(buf(out))).reason())
                .isEqualTo(Reason.BAD_DIGEST);
    }

    @Test
    void simpleClientChecksS2EchoesC1AndAnswersS1WithAnEcho() throws Exception {
        HandshakeClient client = client(HandshakeMode.SIMPLE);
        byte[] c0c1 = client.start();
        assertThat(Arrays.copyOfRange(c0c1, 5, 9)).containsExactly(0, 0, 0, 0);
        byte[] s1 = simpleC1();
        HandshakeStep step = client.feed(buf(new byte[] {3}, s1));
        assertThat(step.done()).isFalse();
        assertThat(Arrays.copyOfRange(step.toSend(), 8, 1536)).isEqualTo(Arrays.copyOfRange(s1, 8, 1536));
        assertThat(catchThrowableOfType(RtmpException.class, () -> client.feed(buf(new byte[1536]))).reason())
                .isEqualTo(Reason.HANDSHAKE_MISMATCH);
    }

    @Test
    void clientRejectsAWrongS0AndMisuse() {
        HandshakeClient client = client(HandshakeMode.SIMPLE);
        assertThatThrownBy(() -> client.feed(buf(new byte[] {3}))).isInstanceOf(IllegalStateException.class);
        client.start();
        assertThatThrownBy(client::start).isInstanceOf(IllegalStateException.class);
        assertThat(catchThrowableOfType(RtmpException.class, () -> client.feed(buf(new byte[] {6}))).reason())
                .isEqualTo(Reason.BAD_VERSION);
    }

    // --- an independent rendering of the digest scheme, for checking the main code ---

    static int digestOffset(byte[] p, int scheme) {
        int base = scheme == 0 ? 8 : 772;
        return ((p[base] & 0xFF) + (p[base + 1] & 0xFF) + (p[base + 2] & 0xFF) + (p[base + 3] & 0xFF)) % 728 + base + 4;
    }

    static byte[] digest(byte[] p, int offset, byte[] key) throws Exception {
        return hmac(key, concat(Arrays.copyOfRange(p, 0, offset), Arrays.copyOfRange(p, offset + 32, 1536)));
    }

    static byte[] signature(byte[] p, byte[] peerDigest, byte[] longKey) throws Exception {
        return hmac(hmac(longKey, peerDigest), Arrays.copyOfRange(p, 0, 1504));
    }

    static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }
}
