package dev.peerlink.rtmp.chunk;

import static dev.peerlink.rtmp.chunk.TestBytes.decodeAll;
import static dev.peerlink.rtmp.chunk.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.rtmp.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte vectors written from the RTMP spec (§5.3), decoded and, where the encoder would choose the same, encoded. */
class ChunkDecoderVectorsTest {
    /** §5.3.2.1 example 1: four 32-byte audio messages on chunk stream 3, stream 12345, timestamps 1000 + 20 n. */
    static final String EXAMPLE_1 = """
            03 0003e8 000020 08 39300000   # fmt 0, csid 3: ts 1000, length 32, type 8, stream 12345 (LE)
            %s
            83 000014                       # fmt 2: delta 20
            %s
            c3                              # fmt 3: same length, type and delta
            %s
            c3
            %s
            """;

    static byte[] audio(int n) {
        byte[] p = new byte[32];
        Arrays.fill(p, (byte) (0xA0 + n));
        return p;
    }

    static String hexOf(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    static byte[] example1() {
        return hex(EXAMPLE_1.formatted(hexOf(audio(0)), hexOf(audio(1)), hexOf(audio(2)), hexOf(audio(3))));
    }

    @Test
    void specExample1AudioWithFmt0Fmt2Fmt3() throws Exception {
        List<RtmpMessage> messages = decodeAll(example1());
        assertThat(messages).hasSize(4);
        for (int i = 0; i < 4; i++) {
            RtmpMessage m = messages.get(i);
            assertThat(m.typeId()).isEqualTo(8);
            assertThat(m.streamId()).isEqualTo(12345);
            assertThat(m.timestamp()).isEqualTo(1000 + 20L * i);
            assertThat(m.payload()).isEqualTo(audio(i));
        }
    }

    @Test
    void encoderWritesSpecExample1ByteForByte() {
        ChunkEncoder encoder = new ChunkEncoder();
        ByteBuf out = Unpooled.buffer();
        for (int i = 0; i < 4; i++) {
            encoder.encode(new RtmpMessage(8, 12345, 1000 + 20L * i, audio(i)), 3, out);
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        assertThat(hexOf(bytes)).isEqualTo(hexOf(example1()));
    }

    /** §5.3.2.2 example 2: one 307-byte video message on chunk stream 4 split at the default chunk size of 128. */
    static byte[] example2(byte[] payload) {
        return hex("04 0003e8 000133 09 3a300000" + hexOf(Arrays.copyOfRange(payload, 0, 128))
                + "c4" + hexOf(Arrays.copyOfRange(payload, 128, 256))
                + "c4" + hexOf(Arrays.copyOfRange(payload, 256, 307)));
    }

    @Test
    void specExample2OneMessageInThreeChunks() throws Exception {
        byte[] payload = new byte[307];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        List<RtmpMessage> messages = decodeAll(example2(payload));
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).payload()).isEqualTo(payload);
        assertThat(messages.get(0).timestamp()).isEqualTo(1000);
        assertThat(messages.get(0).streamId()).isEqualTo(12346);

        byte[] encoded = TestBytes.encode(new ChunkEncoder(), messages.get(0), 4);
        assertThat(hexOf(encoded)).isEqualTo(hexOf(example2(payload)));
    }

    @Test
    void basicHeaderForms() throws Exception {
        // csid 64 and 319 in the 2-byte form (0, id - 64), 320 and 65599 in the 3-byte form (1, low, high of id - 64).
        byte[] bytes = hex("""
                00 00      000001 000001 14 00000000 aa    # csid 64
                00 ff      000002 000001 14 00000000 bb    # csid 319
                01 00 01   000003 000001 14 00000000 cc    # csid 320
                01 ff ff   000004 000001 14 00000000 dd    # csid 65599
                40 ff      000001 000002 12 ee ee          # fmt 1 on csid 319: delta 1, length 2, type 18
                """);
        List<RtmpMessage> messages = decodeAll(bytes);
        assertThat(messages).extracting(RtmpMessage::timestamp).containsExactly(1L, 2L, 3L, 4L, 3L);
        assertThat(messages.get(4).typeId()).isEqualTo(18);
        assertThat(messages.get(4).payload()).containsExactly(0xee, 0xee);

        ChunkEncoder encoder = new ChunkEncoder();
        assertThat(hexOf(TestBytes.encode(encoder, messages.get(0), 64))).startsWith("0000");
        assertThat(hexOf(TestBytes.encode(encoder, messages.get(1), 319))).startsWith("00ff");
        assertThat(hexOf(TestBytes.encode(encoder, messages.get(2), 320))).startsWith("010001");
        assertThat(hexOf(TestBytes.encode(encoder, messages.get(3), 65599))).startsWith("01ffff");
    }

    @Test
    void fmt1ChangesLengthAndTypeButKeepsTheStream() throws Exception {
        byte[] bytes = hex("""
                05 000064 000001 14 07000000 01     # fmt 0: ts 100, stream 7
                45 00000a 000002 12 02 03           # fmt 1: delta 10, length 2, type 18
                """);
        List<RtmpMessage> messages = decodeAll(bytes);
        assertThat(messages.get(1).streamId()).isEqualTo(7);
        assertThat(messages.get(1).timestamp()).isEqualTo(110);
        assertThat(messages.get(1).typeId()).isEqualTo(18);
    }

    @Test
    void extendedTimestampInFmt0IsRepeatedInItsFmt3Chunks() throws Exception {
        byte[] payload = new byte[200];
        Arrays.fill(payload, (byte) 7);
        byte[] bytes = hex("06 ffffff 0000c8 09 01000000 12345678" + hexOf(Arrays.copyOf(payload, 128))
                + "c6 12345678" + hexOf(Arrays.copyOf(payload, 72)));
        List<RtmpMessage> messages = decodeAll(bytes);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).timestamp()).isEqualTo(0x12345678L);
        assertThat(messages.get(0).payload()).isEqualTo(payload);

        assertThat(hexOf(TestBytes.encode(new ChunkEncoder(), messages.get(0), 6))).isEqualTo(hexOf(bytes));
    }

    @Test
    void timestampOf0xFFFFFFItselfNeedsTheExtendedField() throws Exception {
        byte[] bytes = hex("04 ffffff 000001 08 01000000 00ffffff 55");
        assertThat(decodeAll(bytes).get(0).timestamp()).isEqualTo(0xFFFFFFL);
        RtmpMessage m = new RtmpMessage(8, 1, 0xFFFFFF, new byte[] {0x55});
        assertThat(hexOf(TestBytes.encode(new ChunkEncoder(), m, 4))).isEqualTo(hexOf(bytes));
    }

    @Test
    void extendedDeltaInFmt2AndAFmt3NewMessageRepeatingIt() throws Exception {
        byte[] bytes = hex("""
                04 000010 000001 08 01000000 01             # ts 16
                84 ffffff 01000000 02                       # fmt 2, extended delta 0x1000000: ts 0x1000010
                c4 01000000 03                              # fmt 3 new message: extended delta again
                """);
        List<RtmpMessage> messages = decodeAll(bytes);
        assertThat(messages).extracting(RtmpMessage::timestamp).containsExactly(16L, 0x1000010L, 0x2000010L);
    }

    @Test
    void fmt3AfterFmt0RepeatsTheAbsoluteTimestampAsDelta() throws Exception {
        byte[] bytes = hex("04 000028 000001 08 01000000 01 c4 02");
        assertThat(decodeAll(bytes)).extracting(RtmpMessage::timestamp).containsExactly(40L, 80L);
    }

    @Test
    void timestampsWrapAt2To32() throws Exception {
        byte[] bytes = hex("""
                04 ffffff 000001 08 01000000 fffffff0 01   # ts 2^32 - 16
                84 000020 02                               # + 32 → 16
                """);
        assertThat(decodeAll(bytes)).extracting(RtmpMessage::timestamp).containsExactly(0xFFFFFFF0L, 16L);
    }

    @Test
    void interleavedChunkStreamsReassembleSeparately() throws Exception {
        byte[] a = new byte[200];
        byte[] v = new byte[150];
        Arrays.fill(a, (byte) 1);
        Arrays.fill(v, (byte) 2);
        byte[] bytes = hex("04 000000 0000c8 08 01000000" + hexOf(Arrays.copyOf(a, 128))
                + "06 000000 000096 09 01000000" + hexOf(Arrays.copyOf(v, 128))
                + "c4" + hexOf(Arrays.copyOf(a, 72))
                + "c6" + hexOf(Arrays.copyOf(v, 22)));
        List<RtmpMessage> messages = decodeAll(bytes);
        assertThat(messages).extracting(RtmpMessage::typeId).containsExactly(8, 9);
        assertThat(messages.get(0).payload()).isEqualTo(a);
        assertThat(messages.get(1).payload()).isEqualTo(v);
    }

    @Test
    void setChunkSizeAppliesToTheNextChunkAndIsDeliveredToo() throws Exception {
        byte[] big = new byte[300];
        Arrays.fill(big, (byte) 9);
        byte[] bytes = hex("02 000000 000004 01 00000000 00000100"   // Set Chunk Size 256
                + "06 000000 00012c 09 01000000" + hexOf(Arrays.copyOf(big, 256))
                + "c6" + hexOf(Arrays.copyOf(big, 44)));
        ChunkDecoder decoder = new ChunkDecoder();
        List<RtmpMessage> messages = decodeAll(decoder, bytes);
        assertThat(messages).extracting(RtmpMessage::typeId).containsExactly(1, 9);
        assertThat(messages.get(1).payload()).isEqualTo(big);
        assertThat(decoder.chunkSize()).isEqualTo(256);
    }

    @Test
    void abortDiscardsThePartialMessageAndFreesTheChunkStream() throws Exception {
        byte[] bytes = hex("06 000000 0000c8 09 01000000" + hexOf(new byte[128])   // 128 of 200 bytes
                + "02 000000 000004 02 00000000 00000006"                            // Abort csid 6
                + "06 000005 000001 09 01000000 77");                                // a new message on csid 6
        ChunkDecoder decoder = new ChunkDecoder();
        List<RtmpMessage> messages = decodeAll(decoder, bytes);
        assertThat(messages).extracting(RtmpMessage::typeId).containsExactly(2, 9);
        assertThat(messages.get(1).payload()).containsExactly(0x77);
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @Test
    void zeroLengthMessagesAreDelivered() throws Exception {
        byte[] bytes = hex("03 000001 000000 14 00000000 c3");
        List<RtmpMessage> messages = decodeAll(bytes);
        assertThat(messages).hasSize(2);
        assertThat(messages).allSatisfy(m -> assertThat(m.payload()).isEmpty());
        assertThat(messages).extracting(RtmpMessage::timestamp).containsExactly(1L, 2L);
    }

    @Test
    void anIncompleteHeaderStaysInTheBufferAndPayloadIsConsumedAsItArrives() throws Exception {
        byte[] bytes = example2(new byte[307]);
        ChunkDecoder decoder = new ChunkDecoder();
        List<RtmpMessage> out = new ArrayList<>();
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(bytes, 0, 5);                     // part of the 12-byte header
        decoder.decode(in, out::add);
        assertThat(in.readableBytes()).isEqualTo(5);
        in.writeBytes(bytes, 5, 50);                    // the rest of the header and 43 payload bytes
        decoder.decode(in, out::add);
        assertThat(in.readableBytes()).isZero();
        assertThat(decoder.bufferedBytes()).isEqualTo(43);
        in.writeBytes(bytes, 55, bytes.length - 55);
        decoder.decode(in, out::add);
        assertThat(out).hasSize(1);
        assertThat(decoder.bytesConsumed()).isEqualTo(bytes.length);
    }
}
