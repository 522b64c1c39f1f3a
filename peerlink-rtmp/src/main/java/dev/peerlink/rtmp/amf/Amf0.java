package dev.peerlink.rtmp.amf;

import dev.peerlink.rtmp.RtmpException;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;

/**
 * AMF0 (Adobe "Action Message Format -- AMF 0", 2007): the type markers, the {@link #UNDEFINED} value and one-call
 * helpers over {@code byte[]} and {@link ByteBuf}.
 *
 * <p>Java mapping: number ↔ {@link Double} (any {@link Number} encodes), boolean ↔ {@link Boolean}, string and long
 * string ↔ {@link String}, object ↔ insertion-ordered {@code Map<String, Object>}, ECMA array ↔ {@link EcmaArray}
 * (also a map), strict array ↔ {@link List}, null ↔ {@code null}, undefined ↔ {@link #UNDEFINED}, date ↔
 * {@link java.time.Instant} (the time-zone field is reserved by the spec: written 0, ignored when read).
 * Reference, movieclip, recordset, XML document, typed object, unsupported and the AMF3 switch are rejected with
 * {@link RtmpException.Reason#BAD_AMF_TYPE}: no RTMP peer we talk to sends them in commands or metadata.
 */
public final class Amf0 {
    public static final int NUMBER = 0x00;
    public static final int BOOLEAN = 0x01;
    public static final int STRING = 0x02;
    public static final int OBJECT = 0x03;
    public static final int MOVIECLIP = 0x04;
    public static final int NULL = 0x05;
    public static final int UNDEFINED_MARKER = 0x06;
    public static final int REFERENCE = 0x07;
    public static final int ECMA_ARRAY = 0x08;
    public static final int OBJECT_END = 0x09;
    public static final int STRICT_ARRAY = 0x0A;
    public static final int DATE = 0x0B;
    public static final int LONG_STRING = 0x0C;
    public static final int UNSUPPORTED = 0x0D;
    public static final int RECORDSET = 0x0E;
    public static final int XML_DOCUMENT = 0x0F;
    public static final int TYPED_OBJECT = 0x10;
    public static final int AVMPLUS = 0x11;

    /** AMF0 undefined, distinct from null (which maps to Java {@code null}). */
    public enum Undefined {
        INSTANCE;

        @Override
        public String toString() {
            return "undefined";
        }
    }

    public static final Undefined UNDEFINED = Undefined.INSTANCE;

    private Amf0() {}

    /** Decodes every value in {@code data} with the default limits. */
    public static List<Object> decodeAll(byte[] data) throws RtmpException {
        return new Amf0Reader(data, 0, data.length, Amf0Limits.DEFAULT).readAll();
    }

    /** Decodes every readable value of {@code buf} with the default limits and consumes the bytes. */
    public static List<Object> decodeAll(ByteBuf buf) throws RtmpException {
        byte[] data = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), data);
        List<Object> values = new Amf0Reader(data, 0, data.length, Amf0Limits.DEFAULT).readAll();
        buf.skipBytes(data.length);
        return values;
    }

    /** Encodes {@code values} one after another. */
    public static byte[] encode(Object... values) {
        return encodeAll(Arrays.asList(values)); // Arrays.asList keeps nulls (AMF0 null)
    }

    /** Encodes {@code values} one after another (nulls allowed in the list). */
    public static byte[] encodeAll(List<?> values) {
        Amf0Writer writer = new Amf0Writer();
        for (Object value : values) {
            writer.write(value);
        }
        return writer.toByteArray();
    }

    /** Encodes {@code values} into {@code out}. */
    public static void encodeAll(List<?> values, ByteBuf out) {
        out.writeBytes(encodeAll(values));
    }
}
