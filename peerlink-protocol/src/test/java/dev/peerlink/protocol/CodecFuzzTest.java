package dev.peerlink.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing: valid frames of every type, mutated (bit flips, byte insertions and
 * deletions, splices, token swaps, nesting, truncation); the decoder must return a message or throw
 * {@link ProtocolException}, nothing else, and whatever it returns must re-encode and decode to itself.
 */
class CodecFuzzTest {
    private static final long SEED = 0x5EED_516AL;
    private static final int INPUTS = 150_000;
    private static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "-1", "1e309",
            "9999999999999999999999", "\"v\"", "\"type\"", "\"rid\"", "\\u0000", "\\ud800", "0.5", " ", "\"@class\"",
            "{\"device\":\"x\"}", "\"aa:bb:cc:dd:ee:ff\"", "[[[[[[[[[[[[[[[[[["};

    @Test
    void mutatedFramesYieldOnlyTypedErrors() throws Exception {
        SignallingCodec codec = SignallingCodec.standard();
        List<byte[]> seeds = SignallingCodecTest.everyMessage().map(m -> codec.encode(m).getBytes(StandardCharsets.UTF_8)).toList();
        Random rnd = new Random(SEED);
        int decoded = 0;
        int[] codes = new int[ProtocolException.Code.values().length];
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = mutate(seeds.get(rnd.nextInt(seeds.size())), seeds, rnd);
            try {
                Message m = codec.decode(input);
                decoded++;
                assertThat(codec.decode(codec.encode(m))).isEqualTo(m);
            } catch (ProtocolException e) {
                codes[e.code().ordinal()]++;
            } catch (RuntimeException | Error e) {
                throw new AssertionError("input " + i + " (seed " + SEED + "): " + new String(input, StandardCharsets.UTF_8), e);
            }
        }
        // The mutations must exercise both sides: some inputs still decode, most are rejected.
        assertThat(decoded).isGreaterThan(INPUTS / 100);
        assertThat(codes[ProtocolException.Code.MALFORMED.ordinal()]).isPositive();
        assertThat(codes[ProtocolException.Code.INVALID.ordinal()]).isPositive();
    }

    private static byte[] mutate(byte[] seed, List<byte[]> seeds, Random rnd) {
        byte[] b = seed.clone();
        int rounds = 1 + rnd.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            if (b.length == 0) {
                b = seed.clone();
            }
            switch (rnd.nextInt(8)) {
                case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                case 2 -> b = splice(b, rnd.nextInt(b.length + 1), 0, new byte[] {(byte) rnd.nextInt(128)});
                case 3 -> {
                    int at = rnd.nextInt(b.length);
                    b = splice(b, at, Math.min(b.length - at, 1 + rnd.nextInt(8)), new byte[0]);
                }
                case 4 -> {
                    byte[] other = seeds.get(rnd.nextInt(seeds.size()));
                    int from = rnd.nextInt(other.length);
                    int len = Math.min(other.length - from, 1 + rnd.nextInt(40));
                    byte[] piece = java.util.Arrays.copyOfRange(other, from, from + len);
                    int at = rnd.nextInt(b.length + 1);
                    b = splice(b, at, Math.min(b.length - at, rnd.nextInt(10)), piece);
                }
                case 5 -> b = splice(b, rnd.nextInt(b.length + 1), 0,
                        TOKENS[rnd.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                case 6 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                default -> {
                    // swap one quoted value for another token
                    int at = indexOf(b, (byte) ':', rnd.nextInt(b.length));
                    if (at >= 0) {
                        int end = at + 1;
                        while (end < b.length && b[end] != ',' && b[end] != '}') {
                            end++;
                        }
                        b = splice(b, at + 1, end - at - 1, TOKENS[rnd.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return b;
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
