package dev.peerlink.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.peerlink.stun.StunDecodeException.Reason;
import dev.peerlink.stun.attribute.Fingerprint;
import dev.peerlink.stun.attribute.MessageIntegrity;
import dev.peerlink.stun.attribute.MessageIntegritySha256;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of {@link StunDecoder}. Reproduce a run with
 * {@code -Dpeerlink.fuzz.seed=<seed>} (printed at start) and size it with
 * {@code -Dpeerlink.fuzz.inputs=<n>} (default 1,000,000).
 *
 * <p>Per input it asserts: decode returns a message or throws {@link StunDecodeException} and
 * nothing else; the bytes it allocates stay under {@code 16 × input length + 32 KiB} (an input
 * over the bound is decoded once more and only that repeat counts, so one-time class loading on a
 * new code path is not charged to it); and (hang
 * detector, not a performance check) no input takes 50 ms or more, re-measuring an outlier so a GC
 * pause on a shared machine is not mistaken for a hang. Every decoded message must re-encode and
 * decode to the same attributes (integrity and fingerprint recomputed, not copied).
 */
class DecoderFuzzTest {
    static final long DEFAULT_SEED = 0x5EED_57A7_2026L;
    static final long MAX_NANOS = 50_000_000L;
    static final long ALLOC_PER_BYTE = 16;
    static final long ALLOC_CONSTANT = 32 * 1024;

    private final StunDecoder decoder = StunDecoder.standard();
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void decodeNeverThrowsAnythingElseStaysBoundedAndRoundTrips() {
        long seed = Long.getLong("peerlink.fuzz.seed", DEFAULT_SEED);
        int inputs = Integer.getInteger("peerlink.fuzz.inputs", 1_000_000);
        System.out.printf("DecoderFuzzTest: seed=%d (0x%x) inputs=%d; reproduce with -Dpeerlink.fuzz.seed=%d%n",
                seed, seed, inputs, seed, seed);
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);

        SplittableRandom rnd = new SplittableRandom(seed);
        List<byte[]> corpus = SampleMessages.corpus();
        List<byte[]> accepted = new ArrayList<>(corpus); // grows with decoded mutants, bounded
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        int decodedOk = 0;
        long maxNanos = 0;
        double maxBoundShare = 0;
        long allocOverhead = calibrateAllocOverhead();
        long started = System.nanoTime();

        for (int i = 0; i < inputs; i++) {
            byte[] input = nextInput(rnd, corpus, accepted);
            long a0 = threads.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            StunMessage decoded = null;
            Reason reason = null;
            try {
                decoded = decoder.decode(input);
            } catch (StunDecodeException e) {
                reason = e.reason();
            } catch (Throwable t) {
                throw new AssertionError(describe(seed, i, input) + " threw " + t, t);
            }
            long nanos = System.nanoTime() - t0;
            long allocated = threads.getCurrentThreadAllocatedBytes() - a0 - allocOverhead;

            if (nanos >= MAX_NANOS) {
                nanos = remeasure(input);
                if (nanos >= MAX_NANOS) {
                    fail("%s took %d ms on every try", describe(seed, i, input), nanos / 1_000_000);
                }
            }
            maxNanos = Math.max(maxNanos, nanos);
            long bound = ALLOC_PER_BYTE * input.length + ALLOC_CONSTANT;
            if (allocated > bound) {
                // First use of a code path loads and initialises classes; only a repeat counts.
                allocated = reallocated(input) - allocOverhead;
            }
            if (allocated > bound) {
                fail("%s allocated %d bytes, bound %d", describe(seed, i, input), allocated, bound);
            }
            maxBoundShare = Math.max(maxBoundShare, (double) allocated / bound);

            if (decoded != null) {
                decodedOk++;
                checkReencodes(seed, i, input, decoded);
                if (accepted.size() < 4096 && rnd.nextInt(64) == 0) {
                    accepted.add(input);
                }
            } else {
                reasons.merge(reason, 1, Integer::sum);
            }
        }
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("DecoderFuzzTest: %d inputs in %d ms; decoded %d; max per-input %.3f ms;"
                        + " max allocation %.0f%% of its bound; rejections %s%n",
                inputs, elapsedMs, decodedOk, maxNanos / 1e6, 100 * maxBoundShare, reasons);

        // The mutator must reach both outcomes and most rejection paths, or the run proves little.
        if (inputs >= 100_000) {
            assertThat(decodedOk).isGreaterThan(inputs / 100);
            assertThat(reasons.keySet()).hasSizeGreaterThanOrEqualTo(Reason.values().length - 2);
        }
    }

    /** Decodes, then rebuilds from the decoded attributes, encodes, decodes again: same attributes. */
    private void checkReencodes(long seed, int i, byte[] input, StunMessage m) {
        try {
            StunMessage.Builder b = StunMessage.builder(m.method(), m.messageClass(), m.transactionId());
            List<StunAttribute> plain = new ArrayList<>();
            for (StunAttribute a : m.attributes()) {
                if (!(a instanceof MessageIntegrity || a instanceof MessageIntegritySha256 || a instanceof Fingerprint)) {
                    b.add(a);
                    plain.add(a);
                }
            }
            MessageProtection p = m.has(AttributeType.FINGERPRINT) ? MessageProtection.FINGERPRINT : MessageProtection.NONE;
            StunMessage again = decoder.decode(StunEncoder.standard().encode(b.build(), p));
            List<StunAttribute> againPlain = new ArrayList<>(again.attributes());
            againPlain.removeIf(a -> a instanceof Fingerprint);
            assertThat(again.method()).isEqualTo(m.method());
            assertThat(again.messageClass()).isEqualTo(m.messageClass());
            assertThat(again.transactionId()).isEqualTo(m.transactionId());
            assertThat(againPlain).isEqualTo(plain);
            // Encoding the decoded message itself recomputes, never duplicates, its protection.
            StunMessage direct = decoder.decode(StunEncoder.standard().encode(m, p));
            assertThat(direct.attributes()).isEqualTo(again.attributes());
        } catch (Throwable t) {
            throw new AssertionError(describe(seed, i, input) + " decoded but did not round-trip: " + t, t);
        }
    }

    private long remeasure(byte[] input) {
        long best = Long.MAX_VALUE;
        for (int k = 0; k < 3; k++) {
            long t0 = System.nanoTime();
            try {
                decoder.decode(input);
            } catch (StunDecodeException ignored) {
                // the outcome was checked already
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }

    private long reallocated(byte[] input) {
        long a0 = threads.getCurrentThreadAllocatedBytes();
        try {
            decoder.decode(input);
        } catch (StunDecodeException ignored) {
            // the outcome was checked already
        }
        return threads.getCurrentThreadAllocatedBytes() - a0;
    }

    private long calibrateAllocOverhead() {
        long min = Long.MAX_VALUE;
        for (int k = 0; k < 1000; k++) {
            long a0 = threads.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            long a1 = threads.getCurrentThreadAllocatedBytes();
            min = Math.min(min, a1 - a0 + (t0 & 0));
        }
        return min;
    }

    private static String describe(long seed, int i, byte[] input) {
        String hex = TestBytes.hex(input.length > 256 ? Arrays.copyOf(input, 256) : input);
        return "input #" + i + " (seed " + seed + ", " + input.length + " bytes: " + hex + (input.length > 256 ? "…" : "") + ")";
    }

    // --- input generation ---

    static byte[] nextInput(SplittableRandom rnd, List<byte[]> corpus, List<byte[]> accepted) {
        int kind = rnd.nextInt(100);
        if (kind < 8) {
            return randomBytes(rnd);
        }
        List<byte[]> pool = rnd.nextInt(4) == 0 ? accepted : corpus;
        byte[] b = pool.get(rnd.nextInt(pool.size())).clone();
        int rounds = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 8 : 3);
        for (int r = 0; r < rounds; r++) {
            b = mutate(rnd, b, corpus);
        }
        return b;
    }

    static byte[] randomBytes(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(rnd.nextBoolean() ? 24 : 300)];
        rnd.nextBytes(b);
        if (b.length >= 8 && rnd.nextBoolean()) {
            // Often a plausible header, so random bodies get past the first checks.
            b[0] &= 0x3F;
            b[4] = 0x21;
            b[5] = 0x12;
            b[6] = (byte) 0xA4;
            b[7] = 0x42;
            if (b.length >= 20) {
                setU16(b, 2, (b.length - 20) & ~3);
            }
        }
        return b;
    }

    static byte[] mutate(SplittableRandom rnd, byte[] b, List<byte[]> corpus) {
        switch (rnd.nextInt(11)) {
            case 0 -> { // bit flip
                if (b.length > 0) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> { // byte change, biased to interesting values
                if (b.length > 0) {
                    int[] interesting = {0x00, 0xFF, 0x7F, 0x80, 0x01, 0x02, 0x03, 0x04, 0x14, 0x20};
                    b[rnd.nextInt(b.length)] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256)
                            : interesting[rnd.nextInt(interesting.length)]);
                }
            }
            case 2 -> b = Arrays.copyOf(b, b.length == 0 ? 0 : rnd.nextInt(b.length)); // truncation
            case 3 -> { // extension with random or zero bytes
                int old = b.length;
                b = Arrays.copyOf(b, old + 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 64));
                if (rnd.nextBoolean()) {
                    byte[] tail = new byte[b.length - old];
                    rnd.nextBytes(tail);
                    System.arraycopy(tail, 0, b, old, tail.length);
                }
            }
            case 4 -> { // message length field tweak
                if (b.length >= 4) {
                    int len = u16(b, 2);
                    int[] deltas = {-8, -4, -1, 1, 2, 4, 8};
                    setU16(b, 2, rnd.nextInt(5) == 0 ? rnd.nextInt(0x10000) : len + deltas[rnd.nextInt(deltas.length)]);
                }
            }
            case 5, 6 -> { // attribute length tweak (the most parser-relevant mutation)
                List<Integer> positions = attributePositions(b);
                if (!positions.isEmpty()) {
                    int pos = positions.get(rnd.nextInt(positions.size()));
                    int len = u16(b, pos + 2);
                    int[] deltas = {-4, -3, -1, 1, 3, 4, 8};
                    setU16(b, pos + 2, switch (rnd.nextInt(4)) {
                        case 0 -> rnd.nextInt(0x10000);
                        case 1 -> 0;
                        default -> len + deltas[rnd.nextInt(deltas.length)];
                    });
                }
            }
            case 7 -> { // attribute type change, toward known types
                List<Integer> positions = attributePositions(b);
                if (!positions.isEmpty()) {
                    int[] types = {0x0001, 0x0003, 0x0006, 0x0008, 0x0009, 0x000A, 0x0014, 0x0015, 0x001C, 0x001D, 0x001E,
                        0x0020, 0x0026, 0x0027, 0x8022, 0x8023, 0x8028, 0x802B, 0x802C, 0x7FFF, 0xFFFF};
                    setU16(b, positions.get(rnd.nextInt(positions.size())), types[rnd.nextInt(types.length)]);
                }
            }
            case 8 -> { // splice: a prefix of this input and a suffix of another
                byte[] other = corpus.get(rnd.nextInt(corpus.size()));
                int cut = b.length == 0 ? 0 : rnd.nextInt(b.length + 1);
                int from = other.length == 0 ? 0 : rnd.nextInt(other.length + 1);
                byte[] s = Arrays.copyOf(b, cut + other.length - from);
                System.arraycopy(other, from, s, cut, other.length - from);
                b = s;
                if (b.length >= 20 && rnd.nextBoolean()) {
                    setU16(b, 2, b.length - 20);
                }
            }
            case 9 -> { // duplicate or delete a 4-aligned block (attribute-sized surgery)
                if (b.length >= 24) {
                    int start = 20 + 4 * rnd.nextInt((b.length - 20) / 4);
                    int n = Math.min(b.length - start, 4 * (1 + rnd.nextInt(4)));
                    byte[] s;
                    if (rnd.nextBoolean()) {
                        s = new byte[b.length + n];
                        System.arraycopy(b, 0, s, 0, start + n);
                        System.arraycopy(b, start, s, start + n, b.length - start);
                    } else {
                        s = new byte[b.length - n];
                        System.arraycopy(b, 0, s, 0, start);
                        System.arraycopy(b, start + n, s, start, b.length - start - n);
                    }
                    b = s;
                    if (rnd.nextInt(4) != 0) {
                        setU16(b, 2, b.length - 20);
                    }
                }
            }
            default -> { // fix the length field to match (makes deeper mutations reach the attribute parser)
                if (b.length >= 20) {
                    setU16(b, 2, b.length - 20);
                }
            }
        }
        return b;
    }

    /** Attribute header offsets found by walking with padding, as far as the bytes allow. */
    static List<Integer> attributePositions(byte[] b) {
        List<Integer> out = new ArrayList<>();
        int pos = 20;
        while (pos + 4 <= b.length && out.size() < 100) {
            out.add(pos);
            pos += 4 + ((u16(b, pos + 2) + 3) & ~3);
        }
        return out;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static void setU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }
}
