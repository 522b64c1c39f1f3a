package dev.peerlink.portmap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.portmap.internal.PcpMessage.MapData;
import dev.peerlink.portmap.internal.PcpMessage.Option;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzz of both codecs: valid messages with random bit flips, byte changes, truncations and
 * extensions. Each input must decode to a message or a {@link MalformedMessageException} — never anything else — and
 * whatever decodes must re-encode to a message that decodes to the same value (the codec is consistent with itself).
 */
class CodecFuzzTest {
    static final long SEED = 0x5eed_6886_6887L;
    static final int ROUNDS = 300_000;

    @Test
    void mutatedDatagramsDecodeOrFailTyped() throws Exception {
        List<byte[]> seeds = seeds();
        SplittableRandom rnd = new SplittableRandom(SEED);
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] in = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            try {
                if (decodeAll(in)) {
                    decoded++;
                } else {
                    rejected++;
                }
            } catch (RuntimeException | Error e) {
                throw new AssertionError("round " + i + " input " + java.util.HexFormat.of().formatHex(in), e);
            }
        }
        System.out.printf("codec fuzz: %d inputs, %d decoded, %d rejected with a typed error%n", ROUNDS, decoded, rejected);
        assertThat(decoded).isPositive();
        assertThat(rejected).isPositive();
    }

    /** Runs all four decoders; returns whether at least one accepted the input. */
    private static boolean decodeAll(byte[] in) {
        boolean any = false;
        try {
            NatPmpMessage.Response r = NatPmpCodec.decodeResponse(in);
            assertThat(NatPmpCodec.decodeResponse(NatPmpCodec.encode(r))).isEqualTo(r);
            any = true;
        } catch (MalformedMessageException e) {
            assertThat(e.problem()).isNotNull();
        }
        try {
            NatPmpMessage q = NatPmpCodec.decodeRequest(in);
            assertThat(NatPmpCodec.decodeRequest(NatPmpCodec.encode(q))).isEqualTo(q);
            any = true;
        } catch (MalformedMessageException e) {
            assertThat(e.problem()).isNotNull();
        }
        try {
            PcpMessage.Response r = PcpCodec.decodeResponse(in);
            assertThat(PcpCodec.decodeResponse(PcpCodec.encode(r))).isEqualTo(r);
            any = true;
        } catch (MalformedMessageException e) {
            assertThat(e.problem()).isNotNull();
        }
        try {
            PcpMessage.Request q = PcpCodec.decodeRequest(in);
            assertThat(PcpCodec.decodeRequest(PcpCodec.encode(q))).isEqualTo(q);
            any = true;
        } catch (MalformedMessageException e) {
            assertThat(e.problem()).isNotNull();
        }
        return any;
    }

    private static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        byte[] b = seed.clone();
        int ops = 1 + rnd.nextInt(4);
        for (int k = 0; k < ops; k++) {
            switch (rnd.nextInt(5)) {
                case 0 -> {
                    if (b.length > 0) {
                        int i = rnd.nextInt(b.length);
                        b[i] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 1 -> {
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    }
                }
                case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                case 3 -> {
                    int extra = rnd.nextInt(4) == 0 ? rnd.nextInt(1200) : rnd.nextInt(12);
                    byte[] e = Arrays.copyOf(b, b.length + extra);
                    for (int i = b.length; i < e.length; i++) {
                        e[i] = (byte) rnd.nextInt(256);
                    }
                    b = e;
                }
                default -> {
                    if (b.length > 4) { // plausible header fields: version, opcode
                        b[rnd.nextInt(2)] = (byte) new int[] {0, 1, 2, 0x80, 0x81, 0x82, 0x7f, 0xff}[rnd.nextInt(8)];
                    }
                }
            }
        }
        return b;
    }

    private static List<byte[]> seeds() throws Exception {
        byte[] nonce = new byte[12];
        Arrays.fill(nonce, (byte) 7);
        InetAddress v4 = InetAddress.getByName("203.0.113.103");
        InetAddress client = InetAddress.getByName("10.0.3.2");
        List<byte[]> s = new ArrayList<>();
        s.add(NatPmpCodec.encode(new NatPmpMessage.ExternalAddressRequest()));
        s.add(NatPmpCodec.encode(new NatPmpMessage.MapRequest(1, 4000, 4000, 7200)));
        s.add(NatPmpCodec.encode(new NatPmpMessage.ExternalAddressResponse(0, 42, (java.net.Inet4Address) v4)));
        s.add(NatPmpCodec.encode(new NatPmpMessage.MapResponse(2, 0, 42, 4000, 4001, 7200)));
        s.add(NatPmpCodec.encode(new NatPmpMessage.ErrorResponse(1, 2, 42)));
        MapData body = new MapData(nonce, 17, 4000, 4000, v4);
        s.add(PcpCodec.encode(new PcpMessage.Request(PcpMessage.OP_MAP, 7200, client, body, List.of())));
        s.add(PcpCodec.encode(new PcpMessage.Request(PcpMessage.OP_ANNOUNCE, 0, client, null, List.of())));
        s.add(PcpCodec.encode(new PcpMessage.Response(PcpMessage.OP_MAP, 0, 7200, 42, body,
                List.of(new Option(1, new byte[] {1, 2, 3, 4, 5})))));
        s.add(PcpCodec.encode(new PcpMessage.Response(PcpMessage.OP_ANNOUNCE, 0, 0, 42, null, List.of())));
        return s;
    }
}
