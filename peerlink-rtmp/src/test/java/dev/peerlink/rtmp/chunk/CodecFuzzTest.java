package dev.peerlink.rtmp.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.control.ControlMessage;
import dev.peerlink.rtmp.control.SetChunkSize;
import dev.peerlink.rtmp.control.SetPeerBandwidth;
import dev.peerlink.rtmp.control.UserControl;
import dev.peerlink.rtmp.control.WindowAckSize;
import dev.peerlink.rtmp.handshake.HandshakeClient;
import dev.peerlink.rtmp.handshake.HandshakeMode;
import dev.peerlink.rtmp.handshake.HandshakeServer;
import dev.peerlink.rtmp.handshake.HandshakeStep;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link ChunkDecoder}, the control decoders and {@link HandshakeServer} (plus the client): random
 * bytes, mutated valid streams (the ffmpeg capture, encoder output, handshakes), truncations and splices, fed in random
 * pieces. Per input: only {@link RtmpException} may escape; the bytes allocated stay under a bound linear in the input
 * (an input over it is run once more and only the repeat counts, so first-time class loading is not charged); the
 * decoder's buffered payload stays under its limit; decoded control messages re-encode to the same payload.
 * Reproduce with {@code -Dpeerlink.fuzz.seed=N}; size with {@code -Dpeerlink.fuzz.inputs=N} (default 1,000,000).
 */
class CodecFuzzTest {
    static final long DEFAULT_SEED = 0x5EED_C0DEC_2026L;
    static final long ALLOC_PER_BYTE = 64;
    static final long ALLOC_CONSTANT = 64 * 1024;
    /** Handshake inputs are 3 KiB and hash twice each: a tenth of the budget keeps the run short. */
    static final int HANDSHAKE_SHARE = 10;
    static final int CONTROL_SHARE = 25;

    private static final ChunkLimits LIMITS = new ChunkLimits(64 * 1024, 16, 1 << 20, 256 * 1024);
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Map<String, Map<Reason, Integer>> reasons = new java.util.TreeMap<>();
    private final Map<String, Integer> accepted = new java.util.TreeMap<>();

    @Test
    void onlyTypedErrorsEscapeAndMemoryStaysBounded() throws Exception {
        long seed = Long.getLong("peerlink.fuzz.seed", DEFAULT_SEED);
        int inputs = Integer.getInteger("peerlink.fuzz.inputs", 1_000_000);
        System.out.printf("CodecFuzzTest: seed=%d inputs=%d; reproduce with -Dpeerlink.fuzz.seed=%d%n", seed, inputs, seed);
        threads.setThreadAllocatedMemoryEnabled(true);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<byte[]> chunkCorpus = chunkCorpus(new SplittableRandom(seed ^ 1));
        List<byte[]> controlCorpus = controlCorpus();
        List<byte[]> handshakeCorpus = handshakeCorpus(new SplittableRandom(seed ^ 2));
        long started = System.nanoTime();

        for (int i = 0; i < inputs; i++) {
            int pick = rnd.nextInt(100);
            Target target = pick < HANDSHAKE_SHARE ? (rnd.nextInt(10) == 0 ? Target.CLIENT : Target.SERVER)
                    : pick < HANDSHAKE_SHARE + CONTROL_SHARE ? Target.CONTROL : Target.CHUNK;
            List<byte[]> corpus = switch (target) {
                case CHUNK -> chunkCorpus;
                case CONTROL -> controlCorpus;
                case SERVER, CLIENT -> handshakeCorpus;
            };
            byte[] input = Mutator.next(rnd, corpus);
            long pieces = rnd.nextLong();
            long a0 = threads.getCurrentThreadAllocatedBytes();
            Reason reason = run(target, input, pieces, seed, i);
            long allocated = threads.getCurrentThreadAllocatedBytes() - a0;
            long bound = ALLOC_PER_BYTE * input.length + ALLOC_CONSTANT;
            if (allocated > bound) {
                a0 = threads.getCurrentThreadAllocatedBytes();
                run(target, input, pieces, seed, i);
                allocated = threads.getCurrentThreadAllocatedBytes() - a0;
                assertThat(allocated).as("%s: %d bytes allocated for a %d-byte input", describe(seed, i, input),
                        allocated, input.length).isLessThanOrEqualTo(bound);
            }
            if (reason == null) {
                accepted.merge(target.name(), 1, Integer::sum);
            } else {
                reasons.computeIfAbsent(target.name(), k -> new EnumMap<>(Reason.class)).merge(reason, 1, Integer::sum);
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("CodecFuzzTest: %,d inputs in %,d ms; accepted %s; rejected %s%n", inputs, millis, accepted, reasons);
        // Each target must have met both outcomes, or the fuzzer is not reaching the code.
        for (Target t : Target.values()) {
            assertThat(accepted).as("accepted inputs per target").containsKey(t.name());
            assertThat(reasons).as("rejected inputs per target").containsKey(t.name());
        }
        assertThat(reasons.get("CHUNK").keySet()).contains(Reason.NO_PREVIOUS_HEADER, Reason.BAD_CHUNK_HEADER,
                Reason.MESSAGE_TOO_LARGE, Reason.TOO_MANY_CHUNK_STREAMS, Reason.BAD_CHUNK_SIZE);
        assertThat(reasons.get("SERVER").keySet()).contains(Reason.BAD_VERSION, Reason.TRUNCATED,
                Reason.HANDSHAKE_MISMATCH, Reason.BAD_DIGEST);
        assertThat(reasons.get("CLIENT").keySet()).contains(Reason.BAD_VERSION, Reason.TRUNCATED,
                Reason.HANDSHAKE_MISMATCH, Reason.BAD_DIGEST);
        assertThat(reasons.get("CONTROL").keySet()).contains(Reason.BAD_CONTROL_MESSAGE, Reason.BAD_CHUNK_SIZE);
    }

    enum Target { CHUNK, CONTROL, SERVER, CLIENT }

    private Reason run(Target target, byte[] input, long pieces, long seed, int i) {
        try {
            switch (target) {
                case CHUNK -> chunk(input, pieces);
                case CONTROL -> control(input);
                case SERVER -> server(input, pieces);
                case CLIENT -> client(input, pieces);
            }
            return null;
        } catch (RtmpException e) {
            return e.reason();
        } catch (Throwable t) {
            throw new AssertionError(describe(seed, i, input) + " (" + target + ") threw " + t, t);
        }
    }

    private static void chunk(byte[] input, long pieces) throws RtmpException {
        ChunkDecoder decoder = new ChunkDecoder(LIMITS);
        ByteBuf in = Unpooled.buffer(input.length);
        int[] count = {0};
        for (int[] range : split(input.length, pieces)) {
            in.writeBytes(input, range[0], range[1]);
            decoder.decode(in, m -> count[0]++);
            in.discardReadBytes();
            if (decoder.bufferedBytes() > LIMITS.maxBufferedBytes() || in.readableBytes() > 18) {
                throw new AssertionError("decoder holds " + decoder.bufferedBytes() + " payload bytes and left "
                        + in.readableBytes() + " unread");
            }
        }
    }

    /** First byte picks the type (1–6), the rest is the payload. */
    private static void control(byte[] input) throws RtmpException {
        if (input.length == 0) {
            return;
        }
        RtmpMessage m = new RtmpMessage(1 + (input[0] & 0xFF) % 6, 0, 0, Arrays.copyOfRange(input, 1, input.length));
        ControlMessage decoded = ControlMessage.decode(m);
        if (!Arrays.equals(decoded.encode().payload(), m.payload()) || decoded.encode().typeId() != m.typeId()) {
            throw new AssertionError(decoded + " does not re-encode to its input");
        }
    }

    private static void server(byte[] input, long pieces) throws RtmpException {
        HandshakeServer server = new HandshakeServer(new SplittableRandom(pieces), () -> 1);
        ByteBuf in = Unpooled.wrappedBuffer(input);
        byte[] s0s1s2 = null;
        for (int[] range : split(input.length, pieces)) {
            HandshakeStep step = server.feed(in.slice(range[0], range[1]));
            if (step.hasOutput()) {
                s0s1s2 = step.toSend();
            }
        }
        if (!server.isDone() && s0s1s2 != null && (pieces & 1) == 0) {
            // half the time answer like a client: echo S1 as C2, now and then with one byte off
            byte[] c2 = Arrays.copyOfRange(s0s1s2, 1, 1537);
            if ((pieces & 6) == 0) {
                c2[8 + (int) ((pieces >>> 40) & 0x3FF)] ^= 1;
            }
            server.feed(Unpooled.wrappedBuffer(c2));
        }
        server.endOfInput();
    }

    /**
     * The client's input is the real server answer to its own C1 (S2 must echo C1's random bytes, so no fixed corpus
     * can satisfy it), mutated by the same rules; {@code input} only seeds the mutation.
     */
    private static void client(byte[] input, long pieces) throws RtmpException {
        HandshakeClient client = new HandshakeClient((pieces & 2) == 0 ? HandshakeMode.SIMPLE : HandshakeMode.DIGEST,
                new SplittableRandom(pieces), () -> 1);
        byte[] answer = new HandshakeServer(new SplittableRandom(~pieces), () -> 2)
                .feed(Unpooled.wrappedBuffer(client.start())).toSend();
        SplittableRandom rnd = new SplittableRandom(pieces ^ Arrays.hashCode(input));
        byte[] mutated = rnd.nextInt(4) == 0 ? answer : Mutator.next(rnd, List.of(answer));
        ByteBuf in = Unpooled.wrappedBuffer(mutated);
        for (int[] range : split(mutated.length, pieces)) {
            client.feed(in.slice(range[0], range[1]));
        }
        client.endOfInput();
    }

    /** Up to three consecutive [offset, length] pieces covering {@code length}, chosen by {@code bits}. */
    static List<int[]> split(int length, long bits) {
        int n = 1 + (int) ((bits >>> 8) & 3) % 3;
        List<int[]> out = new ArrayList<>(n);
        int start = 0;
        for (int k = 1; k < n && length > 0; k++) {
            int cut = start + (int) (((bits >>> (16 * k)) & 0xFFFF) % (length - start + 1));
            out.add(new int[] {start, cut - start});
            start = cut;
        }
        out.add(new int[] {start, length - start});
        return out;
    }

    private static List<byte[]> chunkCorpus(SplittableRandom rnd) throws RtmpException {
        List<byte[]> corpus = new ArrayList<>();
        byte[] capture = TestBytes.resource("ffmpeg-publish.hex");
        for (int len : new int[] {64, 200, 600, 2000}) {
            corpus.add(Arrays.copyOf(capture, len)); // starts on a chunk boundary
        }
        ByteBuf many = Unpooled.buffer(); // one zero-length message on each of 24 chunk streams
        for (int csid = 2; csid < 26; csid++) {
            new ChunkEncoder().encode(new RtmpMessage(20, 0, csid, new byte[0]), csid, many);
        }
        corpus.add(Arrays.copyOf(many.array(), many.readableBytes()));
        for (int run = 0; run < 40; run++) {
            ChunkEncoder enc = new ChunkEncoder();
            ByteBuf wire = Unpooled.buffer();
            long ts = rnd.nextLong(0x1_0000_0000L);
            for (int i = 0; i < 1 + rnd.nextInt(6); i++) {
                switch (rnd.nextInt(5)) {
                    case 0 -> {
                        int size = 1 + rnd.nextInt(200);
                        enc.encode(new SetChunkSize(size).encode(), wire);
                        enc.setChunkSize(size);
                    }
                    case 1 -> enc.encode(new dev.peerlink.rtmp.control.Abort(4 + rnd.nextInt(3)).encode(), wire);
                    default -> {
                        ts = (ts + (rnd.nextBoolean() ? rnd.nextInt(100) : 0x1000000L)) & 0xFFFF_FFFFL;
                        byte[] payload = new byte[rnd.nextInt(300)];
                        rnd.nextBytes(payload);
                        int csid = new int[] {3, 4, 6, 64, 400}[rnd.nextInt(5)];
                        enc.encode(new RtmpMessage(8 + rnd.nextInt(13), rnd.nextInt(2), ts, payload), csid, wire);
                    }
                }
            }
            byte[] b = new byte[wire.readableBytes()];
            wire.readBytes(b);
            corpus.add(b);
        }
        return corpus;
    }

    private static List<byte[]> controlCorpus() {
        List<byte[]> corpus = new ArrayList<>();
        for (ControlMessage c : List.of(new SetChunkSize(4096), new dev.peerlink.rtmp.control.Abort(3),
                new dev.peerlink.rtmp.control.Acknowledgement(99), new WindowAckSize(2_500_000),
                new SetPeerBandwidth(2_500_000, SetPeerBandwidth.LimitType.DYNAMIC), new UserControl.StreamBegin(1),
                new UserControl.SetBufferLength(1, 3000), new UserControl.PingRequest(5))) {
            RtmpMessage m = c.encode();
            byte[] b = new byte[1 + m.payload().length];
            b[0] = (byte) (m.typeId() - 1);
            System.arraycopy(m.payload(), 0, b, 1, m.payload().length);
            corpus.add(b);
        }
        return corpus;
    }

    private static List<byte[]> handshakeCorpus(SplittableRandom rnd) {
        List<byte[]> corpus = new ArrayList<>();
        for (HandshakeMode mode : HandshakeMode.values()) {
            corpus.add(new HandshakeClient(mode, rnd.split(), () -> 77).start());
            // a full exchange seen from each side: C0+C1 and the server's answer
            HandshakeClient c = new HandshakeClient(mode, rnd.split(), () -> 77);
            HandshakeServer s = new HandshakeServer(rnd.split(), () -> 88);
            try {
                corpus.add(s.feed(Unpooled.wrappedBuffer(c.start())).toSend());
            } catch (RtmpException e) {
                throw new AssertionError(e);
            }
        }
        return corpus;
    }

    static String describe(long seed, int i, byte[] input) {
        String hex = HexFormat.of().formatHex(input, 0, Math.min(input.length, 64));
        return "seed " + seed + " input #" + i + " (" + input.length + " bytes: " + hex + (input.length > 64 ? "…" : "") + ")";
    }
}
