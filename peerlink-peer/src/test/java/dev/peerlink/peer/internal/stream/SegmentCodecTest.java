package dev.peerlink.peer.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.peer.internal.stream.SegmentCodec.Header;
import dev.peerlink.peer.internal.stream.SegmentCodec.Kind;
import dev.peerlink.peer.internal.stream.StreamFramingException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SegmentCodecTest {

    /** A whole physical stream: header, then chunks to the first END/MOVED/RESET. Returns the data length. */
    static long parse(InputStream in) throws IOException {
        Header h = SegmentCodec.readHeader(in);
        if (h.kind() != Kind.DATA) {
            return 0;
        }
        byte[] scratch = new byte[4];
        long total = 0;
        while (true) {
            int code = SegmentCodec.readCode(in, scratch);
            if (code <= 0) {
                return total;
            }
            total += SegmentCodec.readData(in, code).length;
        }
    }

    private static byte[] stream(Kind kind, int id, int segment, int... codesAndData) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(SegmentCodec.encodeHeader(kind, id, segment));
        byte[] scratch = new byte[4];
        for (int c : codesAndData) {
            SegmentCodec.writeCode(out, c, scratch);
            if (c > 0) {
                out.write(new byte[c]);
            }
        }
        return out.toByteArray();
    }

    private static Reason reasonOf(byte[] b) {
        try {
            parse(new ByteArrayInputStream(b));
            return null;
        } catch (StreamFramingException e) {
            return e.reason();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void roundTrips() throws IOException {
        Header h = SegmentCodec.decodeHeader(SegmentCodec.encodeHeader(Kind.DATA, 7, 3));
        assertThat(h).isEqualTo(new Header(Kind.DATA, 7, 3));
        assertThat(SegmentCodec.decodeHeader(SegmentCodec.encodeHeader(Kind.DRAIN, 12, 0))).isEqualTo(new Header(Kind.DRAIN, 12, 0));
        assertThat(parse(new ByteArrayInputStream(stream(Kind.DATA, 1, 0, 5, 65_536, 1, SegmentCodec.END)))).isEqualTo(65_542);
        assertThat(parse(new ByteArrayInputStream(stream(Kind.DATA, 1, 2, 10, SegmentCodec.MOVED)))).isEqualTo(10);
        assertThat(parse(new ByteArrayInputStream(stream(Kind.DATA, 1, 2, SegmentCodec.RESET)))).isZero();
    }

    @Test
    void everyMalformationIsTyped() throws IOException {
        byte[] badKind = SegmentCodec.encodeHeader(Kind.DATA, 1, 0);
        badKind[0] = 3;
        assertThat(reasonOf(badKind)).isEqualTo(Reason.BAD_KIND);
        assertThat(reasonOf(stream(Kind.DATA, 0, 0))).isEqualTo(Reason.BAD_STREAM_ID);
        assertThat(reasonOf(stream(Kind.RESET, -5, 0))).isEqualTo(Reason.BAD_STREAM_ID);
        assertThat(reasonOf(stream(Kind.DATA, 1, -1))).isEqualTo(Reason.SEGMENT_ORDER);
        assertThat(reasonOf(stream(Kind.RESET, 1, 1))).isEqualTo(Reason.SEGMENT_ORDER);
        assertThat(reasonOf(stream(Kind.DRAIN, 3, 1))).isEqualTo(Reason.SEGMENT_ORDER);
        assertThat(reasonOf(stream(Kind.DATA, 1, 0, -3))).isEqualTo(Reason.BAD_CODE);
        assertThat(reasonOf(stream(Kind.DATA, 1, 0, Integer.MIN_VALUE))).isEqualTo(Reason.BAD_CODE);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(SegmentCodec.encodeHeader(Kind.DATA, 1, 0));
        SegmentCodec.writeCode(o, 65_537, new byte[4]);
        assertThat(reasonOf(o.toByteArray())).isEqualTo(Reason.TOO_LONG);
        assertThat(reasonOf(new byte[] {0, 0, 0, 0, 1})).isEqualTo(Reason.TRUNCATED);
        assertThat(reasonOf(stream(Kind.DATA, 1, 0))).isEqualTo(Reason.TRUNCATED); // no END/MOVED
        byte[] cutCode = stream(Kind.DATA, 1, 0, SegmentCodec.END);
        assertThat(reasonOf(java.util.Arrays.copyOf(cutCode, cutCode.length - 1))).isEqualTo(Reason.TRUNCATED);
        byte[] cutData = stream(Kind.DATA, 1, 0, 100, SegmentCodec.END);
        assertThat(reasonOf(java.util.Arrays.copyOf(cutData, 9 + 4 + 50))).isEqualTo(Reason.TRUNCATED);
        assertThatThrownBy(() -> SegmentCodec.decodeHeader(new byte[3])).isInstanceOf(StreamFramingException.class);
    }

    @Test
    void segmentsAreReadInOrderAndRepeatsRefused() throws StreamFramingException {
        SegmentQueue<String> q = new SegmentQueue<>();
        assertThat(q.arrived(2, "s2")).isNull();   // early, two moves ahead
        assertThat(q.arrived(0, "s0")).isEqualTo("s0");
        assertThat(q.arrived(1, "s1")).isNull();   // while s0 is read
        assertThat(q.moved()).isEqualTo("s1");
        assertThat(q.moved()).isEqualTo("s2");
        assertThat(q.moved()).isNull();            // wait for segment 3
        assertThatThrownBy(() -> q.arrived(1, "again")).isInstanceOfSatisfying(StreamFramingException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.SEGMENT_ORDER));
        assertThat(q.arrived(5, "s5")).isNull();
        assertThatThrownBy(() -> q.arrived(5, "dup")).isInstanceOf(StreamFramingException.class);
        assertThat(q.arrived(3, "s3")).isEqualTo("s3");
        assertThat(q.end()).containsExactly("s5");
        assertThatThrownBy(() -> q.arrived(4, "late")).isInstanceOfSatisfying(StreamFramingException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.SEGMENT_ORDER));
    }

    @Test
    void seededGarbageOnlyEverGivesTheTypedError() throws IOException {
        Random r = new Random(20240611);
        Set<Reason> seen = EnumSet.noneOf(Reason.class);
        byte[] valid = stream(Kind.DATA, 3, 1, 20, 300, SegmentCodec.MOVED);
        int ok = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[r.nextInt(40)];
                r.nextBytes(b);
                if (b.length > 0 && r.nextBoolean()) {
                    b[0] = (byte) r.nextInt(4); // mostly plausible kinds
                }
            } else {
                b = valid.clone();
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                if (r.nextBoolean()) {
                    b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
                }
            }
            try {
                parse(new ByteArrayInputStream(b));
                ok++;
            } catch (StreamFramingException e) {
                seen.add(e.reason());
            }
        }
        assertThat(ok).isPositive();
        assertThat(seen).contains(Reason.BAD_KIND, Reason.BAD_STREAM_ID, Reason.BAD_CODE, Reason.TOO_LONG,
                Reason.TRUNCATED, Reason.SEGMENT_ORDER);
    }
}
