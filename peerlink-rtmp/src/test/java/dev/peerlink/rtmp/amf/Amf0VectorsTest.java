package dev.peerlink.rtmp.amf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hand-written vectors from the AMF0 specification (§2.2–2.17), both directions, and the rejections. */
class Amf0VectorsTest {
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static Object decodeOne(byte[] b) throws RtmpException {
        List<Object> all = Amf0.decodeAll(b);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    static List<Object> keys(Object map) {
        return new java.util.ArrayList<Object>(((Map<?, ?>) map).keySet());
    }

    static void assertRejected(byte[] b, Reason reason) {
        assertThatThrownBy(() -> Amf0.decodeAll(b))
                .isInstanceOf(RtmpException.class)
                .extracting(e -> ((RtmpException) e).reason()).isEqualTo(reason);
    }

    @Test
    void scalarsDecodeAndEncodeToTheSpecBytes() throws RtmpException {
        Map<String, Object> vectors = new LinkedHashMap<>();
        vectors.put("00 3FF0000000000000", 1.0);
        vectors.put("00 C009000000000000", -3.125);
        vectors.put("01 01", true);
        vectors.put("01 00", false);
        vectors.put("02 0002 6869", "hi");
        vectors.put("02 0000", "");
        vectors.put("02 0002 C3A9", "é");
        vectors.put("06", Amf0.UNDEFINED);
        for (Map.Entry<String, Object> v : vectors.entrySet()) {
            assertThat(decodeOne(hex(v.getKey()))).as(v.getKey()).isEqualTo(v.getValue());
            assertThat(Amf0.encode(v.getValue())).as(v.getKey()).isEqualTo(hex(v.getKey()));
        }
        assertThat(decodeOne(hex("05"))).isNull();
        assertThat(Amf0.encode((Object) null)).isEqualTo(hex("05"));
        assertThat(Amf0.encode(2, 3L, 1.5f)).isEqualTo(hex("00 4000000000000000 00 4008000000000000 00 3FF8000000000000"));
    }

    @Test
    void objectKeepsInsertionOrderAndEndsWithTheEmptyKeyAndEndMarker() throws RtmpException {
        byte[] wire = hex("03 0001 62 00 4000000000000000 0001 61 01 01 0000 09");
        Object v = decodeOne(wire);
        assertThat(v).isInstanceOf(Map.class).isNotInstanceOf(EcmaArray.class);
        assertThat(keys(v)).containsExactly("b", "a");
        assertThat(v).isEqualTo(Map.of("b", 2.0, "a", true));
        assertThat(Amf0.encode(v)).isEqualTo(wire);
    }

    @Test
    void ecmaArrayCountIsOnlyAHintAndRoundTripsAsEcmaArray() throws RtmpException {
        byte[] wire = hex("08 00000001 0001 78 02 0001 79 0001 7A 05 0000 09");
        Object v = decodeOne(wire);
        assertThat(v).isInstanceOf(EcmaArray.class);
        assertThat(keys(v)).containsExactly("x", "z");
        byte[] reencoded = Amf0.encode(v);
        assertThat(reencoded).isEqualTo(hex("08 00000002 0001 78 02 0001 79 0001 7A 05 0000 09"));
    }

    @Test
    void strictArrayDateAndLongString() throws RtmpException {
        assertThat(decodeOne(hex("0A 00000003 00 3FF0000000000000 05 02 0001 61"))).isEqualTo(Arrays.asList(1.0, null, "a"));
        assertThat(Amf0.encode(Arrays.asList(1.0, null, "a"))).isEqualTo(hex("0A 00000003 00 3FF0000000000000 05 02 0001 61"));
        // 2009-02-13T23:31:30Z = 1234567890000 ms; the time-zone field is ignored on read and written as 0
        byte[] date = hex("0B 4271F71FB0450000 FF88");
        assertThat(decodeOne(date)).isEqualTo(Instant.ofEpochMilli(1_234_567_890_000L));
        assertThat(Amf0.encode(Instant.ofEpochMilli(1_234_567_890_000L))).isEqualTo(hex("0B 4271F71FB0450000 0000"));
        assertThat(decodeOne(hex("0C 00000003 616263"))).isEqualTo("abc");
        String big = "x".repeat(70_000);
        byte[] encoded = Amf0.encode(big);
        assertThat(encoded[0]).isEqualTo((byte) Amf0.LONG_STRING);
        assertThat(encoded).hasSize(5 + 70_000);
        assertThat(decodeOne(encoded)).isEqualTo(big);
    }

    @Test
    void nestedValuesRoundTrip() throws RtmpException {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("list", Arrays.asList(1.0, "two", Amf0.UNDEFINED, new EcmaArray(Map.of("k", false))));
        inner.put("when", Instant.ofEpochMilli(-5));
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("inner", inner);
        outer.put("n", null);
        byte[] wire = Amf0.encode("cmd", 7.0, outer);
        assertThat(Amf0.decodeAll(wire)).containsExactly("cmd", 7.0, outer);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x04, 0x07, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0xFF})
    void unsupportedMarkersAreBadAmfType(int marker) {
        assertRejected(new byte[] {(byte) marker, 0, 0, 0, 0, 0, 0, 0, 0}, Reason.BAD_AMF_TYPE);
    }

    @Test
    void misplacedObjectEndAndBadDatesAreBadAmfType() {
        assertRejected(hex("09"), Reason.BAD_AMF_TYPE);
        assertRejected(hex("03 0000 05"), Reason.BAD_AMF_TYPE); // empty key must be followed by object end
        assertRejected(hex("0B 7FF8000000000000 0000"), Reason.BAD_AMF_TYPE); // NaN
        assertRejected(hex("0B 7FF0000000000000 0000"), Reason.BAD_AMF_TYPE); // +infinity
    }

    @Test
    void nestingBeyondTheLimitIsTooDeep() throws RtmpException {
        assertThat(decodeOne(nestedArrays(32))).isInstanceOf(List.class);
        assertRejected(nestedArrays(33), Reason.AMF_TOO_DEEP);
        // objects count too, and a deep hostile input fails fast rather than overflowing the stack
        byte[] deepObjects = new byte[4 * 100_000];
        for (int i = 0; i < 100_000; i++) {
            System.arraycopy(hex("03 0001 61"), 0, deepObjects, 4 * i, 4);
        }
        assertRejected(deepObjects, Reason.AMF_TOO_DEEP);
    }

    static byte[] nestedArrays(int depth) {
        byte[] b = new byte[depth * 5 + 1];
        for (int i = 0; i < depth; i++) {
            b[i * 5] = Amf0.STRICT_ARRAY;
            b[i * 5 + 4] = 1; // one element: the next array, or the innermost null
        }
        b[depth * 5] = Amf0.NULL;
        return b;
    }

    @Test
    void countsAndSizesBeyondTheLimitsAreTooLarge() {
        assertRejected(hex("0A 7FFFFFFF"), Reason.AMF_TOO_LARGE);
        assertRejected(hex("0C 7FFFFFFF"), Reason.AMF_TOO_LARGE);
        Amf0Limits tight = new Amf0Limits(4, 3, 2);
        assertThatThrownBy(() -> new Amf0Reader(hex("05 05 05 05"), 0, 4, tight).readAll())
                .extracting(e -> ((RtmpException) e).reason()).isEqualTo(Reason.AMF_TOO_LARGE);
        assertThatThrownBy(() -> new Amf0Reader(hex("02 0003 616263"), 0, 6, tight).read())
                .extracting(e -> ((RtmpException) e).reason()).isEqualTo(Reason.AMF_TOO_LARGE);
        assertThatThrownBy(() -> new Amf0Reader(hex("03 0003 616263 05 0000 09"), 0, 10, tight).read())
                .as("object keys obey the string limit")
                .extracting(e -> ((RtmpException) e).reason()).isEqualTo(Reason.AMF_TOO_LARGE);
    }

    @Test
    void everyProperPrefixOfAValidEncodingIsTruncated() {
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("app", "live");
        obj.put("list", List.of(1.0, true));
        obj.put("date", Instant.ofEpochMilli(1));
        obj.put("ecma", new EcmaArray(Map.of("w", 320.0)));
        byte[] full = Amf0.encode(obj);
        for (int len = 1; len < full.length; len++) {
            assertRejected(Arrays.copyOf(full, len), Reason.TRUNCATED);
        }
        assertRejected(hex("0A 00000005 05"), Reason.TRUNCATED); // more elements declared than bytes remain
    }

    @Test
    void byteBufDecodingConsumesTheReadableBytes() throws RtmpException {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x7E); // not ours: already read by the caller
        buf.readByte();
        Amf0.encodeAll(List.of("onStatus", 0.0), buf);
        assertThat(Amf0.decodeAll(buf)).containsExactly("onStatus", 0.0);
        assertThat(buf.readableBytes()).isZero();
    }

    @Test
    void writerRejectsValuesOutsideTheMapping() {
        assertThatThrownBy(() -> Amf0.encode(new Object())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Amf0.encode(Map.of(1, 2))).isInstanceOf(IllegalArgumentException.class);
        List<Object> cycle = new java.util.ArrayList<>();
        cycle.add(cycle);
        assertThatThrownBy(() -> Amf0.encode(cycle)).isInstanceOf(IllegalArgumentException.class);
    }
}
