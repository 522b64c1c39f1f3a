package dev.peerlink.rtmp.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.rtmp.RtmpException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** FLV demux: round trips with the writer, split input, typed errors, and a seeded fuzz of a million inputs. */
class FlvReaderTest {
    private static List<FlvTag> sample(Random r, int n) {
        List<FlvTag> tags = new ArrayList<>();
        long ts = 0;
        for (int i = 0; i < n; i++) {
            int type = i == 0 ? FlvTag.SCRIPT : r.nextInt(4) == 0 ? FlvTag.AUDIO : FlvTag.VIDEO;
            byte[] body = new byte[r.nextInt(3000)];
            r.nextBytes(body);
            tags.add(new FlvTag(type, ts, body));
            ts += r.nextInt(50);
        }
        tags.add(new FlvTag(FlvTag.VIDEO, 0x1_2345_6789L & 0xFFFF_FFFFL, new byte[] {0x17, 1})); // extended timestamp byte
        return tags;
    }

    private static byte[] file(List<FlvTag> tags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(FlvWriter.header(true, true));
        tags.forEach(t -> out.writeBytes(FlvWriter.tag(t)));
        return out.toByteArray();
    }

    private static void assertSame(List<FlvTag> expected, List<FlvTag> got) {
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(got.get(i).type()).isEqualTo(expected.get(i).type());
            assertThat(got.get(i).timestamp()).isEqualTo(expected.get(i).timestamp());
            assertThat(got.get(i).body()).isEqualTo(expected.get(i).body());
        }
    }

    @Test
    void readsWhatTheWriterWroteWhateverTheSplit() throws Exception {
        Random r = new Random(7);
        List<FlvTag> tags = sample(r, 40);
        byte[] bytes = file(tags);
        for (int round = 0; round < 50; round++) {
            FlvReader reader = new FlvReader();
            List<FlvTag> got = new ArrayList<>();
            ByteBuf buf = Unpooled.buffer();
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + r.nextInt(round == 0 ? 1 : 5000));
                buf.writeBytes(bytes, at, n);
                at += n;
                reader.decode(buf, got::add);
                buf.discardReadBytes();
            }
            assertThat(buf.readableBytes()).isZero();
            assertThat(reader.hasAudio()).isTrue();
            assertThat(reader.hasVideo()).isTrue();
            assertSame(tags, got);
            buf.release();
        }
    }

    @Test
    void aStreamCutMidTagIsTruncated() {
        byte[] bytes = file(sample(new Random(8), 5));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> new FlvReader().readAll(new ByteArrayInputStream(cut), t -> { }))
                .isInstanceOf(RtmpException.class).extracting(e -> ((RtmpException) e).reason())
                .isEqualTo(RtmpException.Reason.TRUNCATED);
    }

    @Test
    void badHeadersAndTagsAreTypedErrors() {
        byte[] good = file(sample(new Random(9), 3));
        byte[] noSignature = good.clone();
        noSignature[0] = 'X';
        assertThat(reason(noSignature)).isEqualTo(RtmpException.Reason.BAD_FLV_HEADER);
        byte[] badTrailer = good.clone();
        int firstSize = ((good[FlvWriter.HEADER_SIZE + 1] & 0xFF) << 16) | ((good[FlvWriter.HEADER_SIZE + 2] & 0xFF) << 8)
                | (good[FlvWriter.HEADER_SIZE + 3] & 0xFF);
        badTrailer[FlvWriter.HEADER_SIZE + 11 + firstSize + 3] ^= 1;
        assertThat(reason(badTrailer)).isEqualTo(RtmpException.Reason.BAD_FLV_TAG);
        byte[] encrypted = good.clone();
        encrypted[FlvWriter.HEADER_SIZE] |= 0x20;
        assertThat(reason(encrypted)).isEqualTo(RtmpException.Reason.BAD_FLV_TAG);
        byte[] huge = good.clone();
        huge[FlvWriter.HEADER_SIZE + 1] = (byte) 0x7F; // an 8 MB body, over the 4 MiB default limit
        assertThat(reason(huge)).isEqualTo(RtmpException.Reason.BAD_FLV_TAG);
    }

    private static RtmpException.Reason reason(byte[] bytes) {
        try {
            new FlvReader().readAll(new ByteArrayInputStream(bytes), t -> { });
            return null;
        } catch (RtmpException e) {
            return e.reason();
        } catch (Exception e) {
            throw new AssertionError("not a typed error: " + e, e);
        }
    }

    /** A million seeded inputs: random bytes, mutated and truncated files; only typed errors, bounded tags. */
    @Test
    void fuzzedInputOnlyEverGivesTagsOrTypedErrors() {
        Random r = new Random(20261207);
        byte[] base = file(sample(new Random(10), 6));
        Map<RtmpException.Reason, Integer> reasons = new EnumMap<>(RtmpException.Reason.class);
        int ok = 0;
        ByteBuf buf = Unpooled.buffer(64 * 1024);
        for (int i = 0; i < 1_000_000; i++) {
            byte[] in;
            switch (i % 3) {
                case 0 -> {
                    in = new byte[r.nextInt(64)];
                    r.nextBytes(in);
                    if (in.length > 3 && r.nextBoolean()) {
                        in[0] = 'F';
                        in[1] = 'L';
                        in[2] = 'V';
                    }
                }
                case 1 -> {
                    in = base.clone();
                    for (int m = 1 + r.nextInt(4); m > 0; m--) {
                        in[r.nextInt(in.length)] = (byte) r.nextInt(256);
                    }
                }
                default -> in = java.util.Arrays.copyOf(base, r.nextInt(base.length));
            }
            buf.clear().writeBytes(in);
            try {
                new FlvReader(1 << 16).decode(buf, t -> assertThat(t.body().length).isLessThanOrEqualTo(1 << 16));
                ok++;
            } catch (RtmpException e) {
                reasons.merge(e.reason(), 1, Integer::sum);
            }
        }
        buf.release();
        System.out.println("FLV fuzz: 1,000,000 inputs, " + ok + " decoded (possibly partially), errors " + reasons);
        assertThat(reasons).containsKeys(RtmpException.Reason.BAD_FLV_HEADER, RtmpException.Reason.BAD_FLV_TAG);
    }
}
