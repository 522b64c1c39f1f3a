package dev.peerlink.rtmp.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;
import dev.peerlink.rtmp.control.SetChunkSize;
import dev.peerlink.rtmp.control.WindowAckSize;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The encoder's choice of fmt per chunk stream, chunk size changes, and seeded random round trips. */
class ChunkEncoderTest {
    private final ChunkEncoder encoder = new ChunkEncoder();

    private int fmtOf(RtmpMessage m, int csid) {
        return (TestBytes.encode(encoder, m, csid)[0] & 0xFF) >>> 6;
    }

    @Test
    void choosesTheMostCompactHeader() {
        assertThat(fmtOf(new RtmpMessage(9, 1, 0, new byte[10]), 6)).as("first on the chunk stream").isZero();
        assertThat(fmtOf(new RtmpMessage(9, 1, 33, new byte[10]), 6)).as("new delta").isEqualTo(2);
        assertThat(fmtOf(new RtmpMessage(9, 1, 66, new byte[10]), 6)).as("same delta, length, type").isEqualTo(3);
        assertThat(fmtOf(new RtmpMessage(9, 1, 99, new byte[11]), 6)).as("new length").isEqualTo(1);
        assertThat(fmtOf(new RtmpMessage(8, 1, 132, new byte[11]), 6)).as("new type").isEqualTo(1);
        assertThat(fmtOf(new RtmpMessage(8, 2, 165, new byte[11]), 6)).as("new message stream").isZero();
        assertThat(fmtOf(new RtmpMessage(8, 2, 100, new byte[11]), 6)).as("timestamp went back").isZero();
        assertThat(fmtOf(new RtmpMessage(8, 2, 100, new byte[11]), 4)).as("chunk streams are independent").isZero();
    }

    @Test
    void setChunkSizeChangesTheSplitOfFollowingMessages() throws Exception {
        ByteBuf wire = Unpooled.buffer();
        RtmpMessage scs = new SetChunkSize(4096).encode();
        encoder.encode(scs, wire);
        encoder.setChunkSize(4096);
        byte[] frame = new byte[5000];
        encoder.encode(new RtmpMessage(Type.VIDEO, 1, 0, frame), wire);
        // 12 + 4 for the Set Chunk Size; 12 + 4096 + 1 + 904 for the frame
        assertThat(wire.readableBytes()).isEqualTo(16 + 12 + 4096 + 1 + 904);
        byte[] bytes = new byte[wire.readableBytes()];
        wire.readBytes(bytes);
        List<RtmpMessage> decoded = TestBytes.decodeAll(bytes);
        assertThat(decoded.get(1).payload()).hasSize(5000);
    }

    @Test
    void defaultChunkStreamsFollowTheDocumentedMapping() {
        assertThat(ChunkStreams.forMessage(new WindowAckSize(1).encode())).isEqualTo(ChunkStreams.CONTROL);
        assertThat(ChunkStreams.forType(Type.COMMAND_AMF0)).isEqualTo(ChunkStreams.COMMAND);
        assertThat(ChunkStreams.forType(Type.DATA_AMF0)).isEqualTo(ChunkStreams.COMMAND);
        assertThat(ChunkStreams.forType(Type.AUDIO)).isEqualTo(ChunkStreams.AUDIO);
        assertThat(ChunkStreams.forType(Type.VIDEO)).isEqualTo(ChunkStreams.VIDEO);
    }

    @Test
    void rejectsProgrammerErrors() {
        RtmpMessage m = new RtmpMessage(9, 1, 0, new byte[1]);
        ByteBuf out = Unpooled.buffer();
        assertThatThrownBy(() -> encoder.encode(m, 1, out)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.encode(m, 65600, out)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.setChunkSize(0)).isInstanceOf(IllegalArgumentException.class);
        RtmpMessage huge = new RtmpMessage(9, 1, 0, new byte[0x1000000]);
        assertThatThrownBy(() -> encoder.encode(huge, 6, out)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Random message sequences over a few chunk streams — timestamps that step, repeat, jump past 0xFFFFFF, go back
     * and wrap; lengths around the chunk size; chunk size changes between messages — decode to what was encoded.
     */
    @Test
    void seededRandomSequencesRoundTrip() throws Exception {
        SplittableRandom rnd = new SplittableRandom(0x5EED_C4C4L);
        int[] csids = {2, 3, 4, 6, 63, 64, 319, 320, 65599};
        for (int run = 0; run < 300; run++) {
            ChunkEncoder enc = new ChunkEncoder();
            ByteBuf wire = Unpooled.buffer();
            List<RtmpMessage> sent = new ArrayList<>();
            long[] ts = new long[csids.length];
            for (int i = 0; i < 40; i++) {
                if (rnd.nextInt(10) == 0) {
                    int size = rnd.nextBoolean() ? 1 + rnd.nextInt(300) : 1 + rnd.nextInt(70_000);
                    RtmpMessage scs = new SetChunkSize(size).encode();
                    enc.encode(scs, wire);
                    enc.setChunkSize(size);
                    sent.add(scs);
                    continue;
                }
                int k = rnd.nextInt(csids.length);
                ts[k] = switch (rnd.nextInt(6)) {
                    case 0 -> ts[k];
                    case 1 -> ts[k] + 0x1000000L + rnd.nextInt(1000);
                    case 2 -> rnd.nextLong(0x1_0000_0000L);
                    case 3 -> 0xFFFFFFL;
                    default -> ts[k] + rnd.nextInt(100);
                } & 0xFFFF_FFFFL;
                int type = csids[k] == 2 ? 4 + rnd.nextInt(2) * 4 : 8 + rnd.nextInt(13);
                byte[] payload = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(1000) : rnd.nextInt(3)];
                rnd.nextBytes(payload);
                RtmpMessage m = new RtmpMessage(type, rnd.nextInt(3), ts[k], payload);
                enc.encode(m, csids[k], wire);
                sent.add(m);
            }
            byte[] bytes = new byte[wire.readableBytes()];
            wire.readBytes(bytes);
            String expected = TestBytes.describe(sent);
            assertThat(TestBytes.describe(TestBytes.decodeAll(bytes))).as("run %d", run).isEqualTo(expected);
            assertThat(TestBytes.describe(TestBytes.decodeInPieces(bytes, 1 + rnd.nextInt(200)))).isEqualTo(expected);
        }
    }
}
