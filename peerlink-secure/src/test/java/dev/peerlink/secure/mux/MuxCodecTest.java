package dev.peerlink.secure.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.secure.mux.MuxDecodeException.Reason;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MuxCodecTest {

    static ByteBuffer header(int version, int type, int flags, long stream, long value) {
        return ByteBuffer.allocate(12).put((byte) version).put((byte) type).putShort((short) flags)
                .putInt((int) stream).putInt((int) value).flip();
    }

    @Test
    void roundTripsEveryType() throws Exception {
        List<MuxFrame> frames = List.of(
                MuxFrame.data(1, 0, new byte[] {1, 2, 3}),
                MuxFrame.data(2, MuxFrame.FIN, new byte[0]),
                MuxFrame.data(Integer.MAX_VALUE, MuxFrame.SYN | MuxFrame.FIN, new byte[MuxFrame.MAX_PAYLOAD]),
                MuxFrame.windowUpdate(3, MuxFrame.SYN, 768 * 1024),
                MuxFrame.windowUpdate(4, MuxFrame.ACK, 0),
                MuxFrame.windowUpdate(5, MuxFrame.RST, 0),
                MuxFrame.ping(0, 0xffffffffL),
                MuxFrame.ping(MuxFrame.ACK, 7),
                MuxFrame.goAway(1),
                MuxFrame.datagram("d".getBytes()));
        ByteBuffer all = ByteBuffer.allocate(1 << 20);
        for (MuxFrame f : frames) {
            all.put(MuxCodec.encode(f));
        }
        all.flip();
        for (MuxFrame f : frames) {
            assertThat(MuxCodec.decode(all)).isEqualTo(f);
        }
        assertThat(all.remaining()).isZero();
    }

    @Test
    void partialInputConsumesNothing() throws Exception {
        byte[] enc = MuxCodec.encode(MuxFrame.data(1, 0, new byte[100]));
        for (int cut = 0; cut < enc.length; cut++) {
            ByteBuffer b = ByteBuffer.wrap(enc, 0, cut);
            assertThat(MuxCodec.decode(b)).isNull();
            assertThat(b.position()).isZero();
        }
    }

    @Test
    void typedErrorsForEachMalformation() {
        assertReason(header(1, 0, 0, 1, 0), Reason.UNSUPPORTED_VERSION);
        assertReason(header(0, 5, 0, 1, 0), Reason.UNKNOWN_TYPE);
        assertReason(header(0, 0, 0x10, 1, 0), Reason.UNKNOWN_FLAGS);
        assertReason(header(0, 0, 0, 0, 0), Reason.INVALID_STREAM_ID);
        assertReason(header(0, 1, 0, 0x80000000L, 0), Reason.INVALID_STREAM_ID);
        assertReason(header(0, 2, 0, 3, 0), Reason.INVALID_STREAM_ID);
        assertReason(header(0, 4, 0, 3, 0), Reason.INVALID_STREAM_ID);
        assertReason(header(0, 0, MuxFrame.RST | MuxFrame.FIN, 1, 0), Reason.INVALID_FLAGS);
        assertReason(header(0, 2, MuxFrame.SYN, 0, 0), Reason.INVALID_FLAGS);
        assertReason(header(0, 3, MuxFrame.ACK, 0, 0), Reason.INVALID_FLAGS);
        assertReason(header(0, 0, 0, 1, MuxFrame.MAX_PAYLOAD + 1), Reason.FRAME_TOO_LARGE);
        assertReason(header(0, 4, 0, 0, 0xffffffffL), Reason.FRAME_TOO_LARGE);
        assertReason(header(0, 1, 0, 1, 0x80000000L), Reason.INVALID_WINDOW_DELTA);
        // a bad header fails at once, before the payload it announces has arrived
        assertThatThrownBy(() -> MuxCodec.decode(header(0, 0, 0, 1, 0xffffffffL))).isInstanceOf(MuxDecodeException.class);
    }

    @Test
    void encoderRefusesWhatTheDecoderWouldRefuse() {
        assertThatThrownBy(() -> MuxCodec.encode(MuxFrame.data(0, 0, new byte[1]))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MuxCodec.encode(new MuxFrame(MuxFrame.Type.DATA, 0, 1, 5, new byte[1])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertReason(ByteBuffer b, Reason r) {
        assertThatThrownBy(() -> MuxCodec.decode(b)).isInstanceOfSatisfying(MuxDecodeException.class,
                e -> assertThat(e.reason()).isEqualTo(r));
    }

    /**
     * Seeded fuzz: 300,000 inputs, a third pure random bytes, the rest mutations (bit flips, byte sets, cuts,
     * splices) of valid frame sequences. The decoder must only ever return frames that re-encode to exactly the
     * bytes they came from, return null for incomplete input, or throw MuxDecodeException; nothing else.
     */
    @Test
    void fuzzOnlyTypedErrors() {
        Random rnd = new Random(0x5ec0_4eL);
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        int frames = 0;
        int incomplete = 0;
        for (int i = 0; i < 300_000; i++) {
            byte[] input = i % 3 == 0 ? randomBytes(rnd) : mutate(validSequence(rnd), rnd);
            ByteBuffer b = ByteBuffer.wrap(input);
            try {
                while (true) {
                    int start = b.position();
                    MuxFrame f = MuxCodec.decode(b);
                    if (f == null) {
                        assertThat(b.position()).isEqualTo(start);
                        incomplete++;
                        break;
                    }
                    frames++;
                    byte[] again = MuxCodec.encode(f);
                    assertThat(again).isEqualTo(java.util.Arrays.copyOfRange(input, start, b.position()));
                }
            } catch (MuxDecodeException e) {
                reasons.merge(e.reason(), 1, Integer::sum);
            }
        }
        assertThat(frames).isGreaterThan(100_000);
        assertThat(incomplete).isGreaterThan(10_000);
        assertThat(reasons.keySet()).containsExactlyInAnyOrder(Reason.values());
    }

    private static byte[] randomBytes(Random rnd) {
        byte[] b = new byte[rnd.nextInt(64)];
        rnd.nextBytes(b);
        if (b.length > 0 && rnd.nextBoolean()) {
            b[0] = 0; // mostly version 0 so the deeper checks are reached
        }
        return b;
    }

    private static byte[] validSequence(Random rnd) {
        ByteBuffer b = ByteBuffer.allocate(8192);
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            int stream = 1 + rnd.nextInt(1000);
            MuxFrame f = switch (rnd.nextInt(5)) {
                case 0 -> MuxFrame.data(stream, rnd.nextBoolean() ? MuxFrame.FIN : 0, bytes(rnd, rnd.nextInt(200)));
                case 1 -> MuxFrame.windowUpdate(stream, rnd.nextBoolean() ? MuxFrame.SYN : MuxFrame.ACK, rnd.nextInt(1 << 20));
                case 2 -> MuxFrame.ping(rnd.nextBoolean() ? MuxFrame.ACK : 0, rnd.nextInt() & 0xffffffffL);
                case 3 -> MuxFrame.goAway(rnd.nextInt(3));
                default -> MuxFrame.datagram(bytes(rnd, rnd.nextInt(200)));
            };
            b.put(MuxCodec.encode(f));
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] mutate(byte[] in, Random rnd) {
        byte[] b = in.clone();
        int ops = 1 + rnd.nextInt(3);
        for (int k = 0; k < ops && b.length > 0; k++) {
            switch (rnd.nextInt(4)) {
                case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[rnd.nextInt(Math.min(b.length, 12))] = (byte) rnd.nextInt(256);
                case 2 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                default -> {
                    List<Byte> l = new ArrayList<>();
                    for (byte x : b) {
                        l.add(x);
                    }
                    int at = rnd.nextInt(l.size() + 1);
                    l.add(at, (byte) rnd.nextInt(256));
                    b = new byte[l.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = l.get(i);
                    }
                }
            }
        }
        return b;
    }
}
