package dev.peerlink.transfer.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransferCodecTest {
    final TransferCodec codec = new TransferCodec(1 << 20);

    static byte[] frame(String header, byte[] payload) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + h.length + payload.length).putInt(h.length).put(h).put(payload).array();
    }

    @Test
    void roundTripsHeaderAndPayload() throws Exception {
        byte[] payload = {1, 2, 3, 4};
        TransferFrame f = TransferFrame.of("chunk").with("session", "up_1").with("index", 7).payload(payload);
        TransferFrame back = codec.decode(codec.encode(f));
        assertThat(back.type()).isEqualTo("chunk");
        assertThat(back.str("session")).isEqualTo("up_1");
        assertThat(back.num("index", 0, 10)).isEqualTo(7);
        assertThat(back.payload()).isEqualTo(payload);
        assertThat(back.rid()).isNull();
    }

    @Test
    void rejectsMalformedFramesWithTypedCodes() {
        Object[][] cases = {
                {new byte[] {0, 0}, TransferProtocolException.Code.TRUNCATED},
                {ByteBuffer.allocate(4).putInt(10).array(), TransferProtocolException.Code.TRUNCATED},
                {ByteBuffer.allocate(4).putInt(-1).array(), TransferProtocolException.Code.TOO_LARGE},
                {ByteBuffer.allocate(4).putInt(TransferCodec.MAX_HEADER + 1).array(), TransferProtocolException.Code.TOO_LARGE},
                {frame("{\"v\":1,\"type\":\"chunk\"}", new byte[(1 << 20) + 1]), TransferProtocolException.Code.TOO_LARGE},
                {frame("[1,2]", new byte[0]), TransferProtocolException.Code.MALFORMED},
                {frame("{\"v\":1,\"type\":\"ok\"} x", new byte[0]), TransferProtocolException.Code.MALFORMED},
                {frame("{\"v\":1,\"v\":1,\"type\":\"ok\"}", new byte[0]), TransferProtocolException.Code.MALFORMED},
                {frame("{\"a\":" + "[".repeat(20) + "]".repeat(20) + "}", new byte[0]), TransferProtocolException.Code.MALFORMED},
                {frame("{\"v\":2,\"type\":\"ok\"}", new byte[0]), TransferProtocolException.Code.UNSUPPORTED_VERSION},
                {frame("{\"type\":\"ok\"}", new byte[0]), TransferProtocolException.Code.UNSUPPORTED_VERSION},
                {frame("{\"v\":1}", new byte[0]), TransferProtocolException.Code.INVALID},
                {frame("{\"v\":1,\"type\":\"java.lang.Runtime\"}", new byte[0]), TransferProtocolException.Code.UNKNOWN_TYPE},
                {frame("{\"v\":1,\"type\":\"ok\",\"rid\":\"\"}", new byte[0]), TransferProtocolException.Code.INVALID},
                {frame("{\"v\":1,\"type\":\"ok\",\"rid\":5}", new byte[0]), TransferProtocolException.Code.INVALID},
        };
        for (Object[] c : cases) {
            assertThatThrownBy(() -> codec.decode((byte[]) c[0]))
                    .isInstanceOfSatisfying(TransferProtocolException.class, e -> assertThat(e.code()).isEqualTo(c[1]));
        }
    }

    @Test
    void fieldAccessorsRefuseMissingAndMistypedFields() throws Exception {
        TransferFrame f = codec.decode(frame("{\"v\":1,\"type\":\"offer\",\"target\":5,\"index\":\"x\",\"big\":99,\"flag\":1}", new byte[0]));
        assertThatThrownBy(() -> f.str("target")).isInstanceOf(TransferProtocolException.class);
        assertThatThrownBy(() -> f.str("missing")).isInstanceOf(TransferProtocolException.class);
        assertThatThrownBy(() -> f.num("index", 0, 10)).isInstanceOf(TransferProtocolException.class);
        assertThatThrownBy(() -> f.num("big", 0, 10)).isInstanceOf(TransferProtocolException.class);
        assertThatThrownBy(() -> f.flag("flag")).isInstanceOf(TransferProtocolException.class);
        assertThat(f.flag("absent")).isFalse();
    }

    /** Seeded random and mutated frames: every input decodes or fails with a typed code, nothing else escapes. */
    @Test
    void fuzzedFramesNeverEscapeTheTypedError() {
        long seed = Long.getLong("peerlink.fuzz.seed", System.nanoTime());
        Random r = new Random(seed);
        byte[] valid = codec.encode(TransferFrame.of("offer").with("rid", "1").with("target", "bob").with("name", "a.jpg")
                .payload(new byte[64]));
        Set<TransferProtocolException.Code> seen = EnumSet.noneOf(TransferProtocolException.Code.class);
        int decoded = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] in;
            if (r.nextBoolean()) {
                in = valid.clone();
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    in[r.nextInt(in.length)] = (byte) r.nextInt(256);
                }
                if (r.nextInt(8) == 0) {
                    in = java.util.Arrays.copyOf(in, r.nextInt(in.length + 1));
                }
            } else {
                in = new byte[r.nextInt(64)];
                r.nextBytes(in);
            }
            try {
                codec.decode(in);
                decoded++;
            } catch (TransferProtocolException e) {
                seen.add(e.code());
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " input " + java.util.HexFormat.of().formatHex(in) + ": " + e, e);
            }
        }
        System.out.println("TransferCodecTest fuzz: seed=" + seed + " decoded=" + decoded + " refused with " + seen
                + "; reproduce with -Dpeerlink.fuzz.seed=" + seed);
        assertThat(seen).contains(TransferProtocolException.Code.TRUNCATED, TransferProtocolException.Code.MALFORMED);
    }
}
