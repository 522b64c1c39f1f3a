package dev.peerlink.rtmp.amf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.command.Command;
import dev.peerlink.rtmp.command.ConnectRequest;
import dev.peerlink.rtmp.command.DataMessage;
import dev.peerlink.rtmp.command.Metadata;
import dev.peerlink.rtmp.command.NetConnection;
import dev.peerlink.rtmp.command.NetStream;
import dev.peerlink.rtmp.command.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the AMF0 reader, {@link Command#from} and the data-message path: random bytes, mutated valid
 * commands, truncations and deep nesting. Only {@link RtmpException} may escape, and whatever decodes must re-encode
 * and decode to an equal value. Reproduce with {@code -Dpeerlink.fuzz.seed=...}; size with
 * {@code -Dpeerlink.fuzz.inputs=...} (default 1,000,000).
 */
class AmfFuzzTest {
    static final long DEFAULT_SEED = 0xA3F0_0014L;

    @Test
    void onlyRtmpExceptionEscapesAndDecodedValuesRoundTrip() {
        long seed = Long.getLong("peerlink.fuzz.seed", DEFAULT_SEED);
        int inputs = Integer.getInteger("peerlink.fuzz.inputs", 1_000_000);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<byte[]> corpus = corpus();
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        int decoded = 0;
        long started = System.nanoTime();
        for (int i = 0; i < inputs; i++) {
            byte[] input = next(rnd, corpus);
            int type = rnd.nextInt(8) == 0 ? RtmpMessage.Type.DATA_AMF0 : RtmpMessage.Type.COMMAND_AMF0;
            RtmpMessage m = new RtmpMessage(type, 1, 0, input);
            try {
                if (type == RtmpMessage.Type.COMMAND_AMF0) {
                    Command c = Command.from(m);
                    assertThat(Command.from(c.toMessage(1))).as("round trip of %s", hex(input)).isEqualTo(c);
                } else {
                    DataMessage d = DataMessage.from(m);
                    assertThat(DataMessage.from(d.toMessage(1, 0))).isEqualTo(d);
                    Metadata.toFlvTag(m);
                }
                decoded++;
            } catch (RtmpException e) {
                reasons.merge(e.reason(), 1, Integer::sum);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " input " + i + " (" + hex(input) + ") threw " + t, t);
            }
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("AmfFuzzTest: seed=%d inputs=%d decoded=%d rejected=%s in %d ms%n", seed, inputs, decoded, reasons, ms);
        assertThat(decoded + reasons.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(inputs);
        if (inputs >= 100_000) {
            assertThat(reasons.keySet()).as("the fuzzer reaches every AMF and command rejection")
                    .contains(Reason.BAD_AMF_TYPE, Reason.AMF_TOO_DEEP, Reason.AMF_TOO_LARGE, Reason.BAD_COMMAND, Reason.TRUNCATED);
            assertThat(decoded).isPositive();
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b, 0, Math.min(b.length, 64)) + (b.length > 64 ? "..." : "");
    }

    static List<byte[]> corpus() {
        List<byte[]> c = new ArrayList<>();
        c.add(ConnectRequest.of(1, "live", "rtmp://127.0.0.1/live").toCommand().encode());
        c.add(NetConnection.connectSuccess(1).encode());
        c.add(NetConnection.createStreamResult(4, 1).encode());
        c.add(NetConnection.releaseStream(2, "key").encode());
        c.add(NetStream.publish(5, "key").encode());
        c.add(NetStream.play(4, "key", -2000).encode());
        c.add(NetStream.onStatus(Status.playStart("key")).encode());
        c.add(Metadata.setDataFrame(Map.of("width", 320.0, "height", 240.0, "encoder", "Lavf")).encode());
        c.add(Amf0.encode("x", 1.0, null, List.of(1.0, Map.of("d", java.time.Instant.ofEpochMilli(5))), "y".repeat(300)));
        return c;
    }

    static byte[] next(SplittableRandom rnd, List<byte[]> corpus) {
        switch (rnd.nextInt(10)) {
            case 0 -> { // random bytes, biased to small markers
                byte[] b = new byte[rnd.nextInt(64)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) (rnd.nextInt(3) == 0 ? rnd.nextInt(0x13) : rnd.nextInt(256));
                }
                return b;
            }
            case 1 -> { // truncation of a valid command
                byte[] v = corpus.get(rnd.nextInt(corpus.size()));
                return Arrays.copyOf(v, rnd.nextInt(v.length + 1));
            }
            case 2 -> { // deep nesting of objects, ECMA and strict arrays, after a valid command head
                int depth = 1 + rnd.nextInt(40);
                byte[] head = Amf0.encode("cmd", 1.0, null);
                byte[] b = Arrays.copyOf(head, head.length + depth * 8 + 1);
                int o = head.length;
                for (int d = 0; d < depth; d++) {
                    switch (rnd.nextInt(3)) {
                        case 0 -> { b[o++] = Amf0.OBJECT; b[o++] = 0; b[o++] = 1; b[o++] = 'k'; }
                        case 1 -> { b[o++] = Amf0.ECMA_ARRAY; o += 4; b[o++] = 0; b[o++] = 1; b[o++] = 'k'; }
                        default -> { b[o++] = Amf0.STRICT_ARRAY; o += 3; b[o++] = 1; }
                    }
                }
                b[o++] = Amf0.NULL;
                return Arrays.copyOf(b, o);
            }
            default -> { // mutations of a valid command
                byte[] v = corpus.get(rnd.nextInt(corpus.size())).clone();
                int n = 1 + rnd.nextInt(4);
                for (int k = 0; k < n; k++) {
                    int at = rnd.nextInt(v.length);
                    switch (rnd.nextInt(4)) {
                        case 0 -> v[at] = (byte) rnd.nextInt(256);
                        case 1 -> v[at] ^= (byte) (1 << rnd.nextInt(8));
                        case 2 -> v[at] = (byte) (rnd.nextBoolean() ? 0xFF : rnd.nextInt(0x13));
                        default -> v = Arrays.copyOf(v, Math.max(1, v.length - rnd.nextInt(8)));
                    }
                }
                return v;
            }
        }
    }
}
