package dev.peerlink.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.stun.StunDecodeException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StunFramingTest {
    static final byte[] A = Rfc5769VectorsTest.SAMPLE_REQUEST;
    static final byte[] B = Rfc5769VectorsTest.IPV6_RESPONSE;
    static final byte[] C = StunEncoder.standard().encode(StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST,
            SampleMessages.TID).build()); // header only

    /** A minimal stream reassembler, the way a TCP handler would use StunFraming. */
    static final class Reassembler {
        private byte[] buf = new byte[0];
        final List<StunMessage> messages = new ArrayList<>();

        void feed(byte[] chunk) throws StunDecodeException {
            byte[] n = Arrays.copyOf(buf, buf.length + chunk.length);
            System.arraycopy(chunk, 0, n, buf.length, chunk.length);
            buf = n;
            int off = 0;
            while (true) {
                int frame = StunFraming.frameLength(buf, off, buf.length - off);
                if (frame < 0 || frame > buf.length - off) {
                    break;
                }
                messages.add(StunDecoder.standard().decode(buf, off, frame));
                off += frame;
            }
            buf = Arrays.copyOfRange(buf, off, buf.length);
        }

        int pending() {
            return buf.length;
        }
    }

    static byte[] stream(byte[]... messages) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (byte[] m : messages) {
            s.writeBytes(m);
        }
        return s.toByteArray();
    }

    @Test
    void fewerThanFourBytesCannotTell() throws Exception {
        for (int n = 0; n < 4; n++) {
            assertThat(StunFraming.frameLength(A, 0, n)).isEqualTo(-1);
        }
        assertThat(StunFraming.frameLength(A, 0, 4)).isEqualTo(A.length);
        assertThat(StunFraming.frameLength(A, 0, 8)).isEqualTo(A.length);
    }

    @Test
    void frameLengthAtAnOffset() throws Exception {
        byte[] s = stream(A, B, C);
        assertThat(StunFraming.frameLength(s, A.length, s.length - A.length)).isEqualTo(B.length);
        assertThat(StunFraming.frameLength(s, A.length + B.length, C.length)).isEqualTo(20);
    }

    @Test
    void nonStunStreamsAreRejectedEarly() {
        byte[] top = A.clone();
        top[0] = 0x40; // e.g. ChannelData
        assertThatThrownBy(() -> StunFraming.frameLength(top, 0, 4)).isInstanceOfSatisfying(StunDecodeException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_STUN));
        byte[] odd = A.clone();
        odd[3] = 0x59;
        assertThatThrownBy(() -> StunFraming.frameLength(odd, 0, 4)).isInstanceOfSatisfying(StunDecodeException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BAD_LENGTH));
        byte[] cookie = A.clone();
        cookie[7] = 0;
        assertThatThrownBy(() -> StunFraming.frameLength(cookie, 0, 8)).isInstanceOfSatisfying(StunDecodeException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC_COOKIE));
    }

    @Test
    void oneByteAtATime() throws Exception {
        Reassembler r = new Reassembler();
        byte[] s = stream(A, B, C, A);
        for (int i = 0; i < s.length; i++) {
            r.feed(new byte[] {s[i]});
            // Nothing complete is held back, nothing incomplete is decoded.
            int complete = i + 1 >= A.length + B.length + C.length + A.length ? 4
                    : i + 1 >= A.length + B.length + C.length ? 3 : i + 1 >= A.length + B.length ? 2 : i + 1 >= A.length ? 1 : 0;
            assertThat(r.messages).hasSize(complete);
        }
        assertThat(r.pending()).isZero();
        assertThat(r.messages).extracting(StunMessage::messageClass).containsExactly(StunClass.REQUEST,
                StunClass.SUCCESS_RESPONSE, StunClass.REQUEST, StunClass.REQUEST);
    }

    @Test
    void randomSplitsReassembleTheSameMessages() throws Exception {
        long seed = 20261121L;
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[][] pool = {A, B, C, Rfc5769VectorsTest.LONG_TERM_REQUEST, Rfc8489AppendixBTest.CORRECTED};
        for (int round = 0; round < 200; round++) {
            List<byte[]> sent = new ArrayList<>();
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            for (int k = 0; k < 1 + rnd.nextInt(6); k++) {
                byte[] m = pool[rnd.nextInt(pool.length)];
                sent.add(m);
                s.writeBytes(m);
            }
            byte[] all = s.toByteArray();
            Reassembler r = new Reassembler();
            for (int off = 0; off < all.length; ) {
                int n = Math.min(all.length - off, rnd.nextInt(rnd.nextBoolean() ? 5 : 200));
                r.feed(Arrays.copyOfRange(all, off, off + n));
                off += n;
            }
            assertThat(r.pending()).as("seed %d round %d", seed, round).isZero();
            assertThat(r.messages).as("seed %d round %d", seed, round).hasSize(sent.size());
            for (int k = 0; k < sent.size(); k++) {
                assertThat(r.messages.get(k).rawBytes()).contains(sent.get(k));
            }
        }
    }

    @Test
    void partialStreamKeepsTheIncompleteTail() throws Exception {
        Reassembler r = new Reassembler();
        byte[] s = stream(A, B);
        r.feed(Arrays.copyOf(s, A.length + 10));
        assertThat(r.messages).hasSize(1);
        assertThat(r.pending()).isEqualTo(10);
        r.feed(Arrays.copyOfRange(s, A.length + 10, s.length));
        assertThat(r.messages).hasSize(2);
        assertThat(r.pending()).isZero();
    }

    @Test
    void garbageAfterAValidFrameIsRejected() throws Exception {
        Reassembler r = new Reassembler();
        byte[] junk = {(byte) 0xC0, 0, 0, 0};
        assertThatThrownBy(() -> r.feed(stream(A, junk))).isInstanceOfSatisfying(StunDecodeException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_STUN));
        assertThat(r.messages).hasSize(1);
    }
}
