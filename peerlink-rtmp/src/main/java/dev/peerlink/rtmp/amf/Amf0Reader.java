package dev.peerlink.rtmp.amf;

import static dev.peerlink.rtmp.RtmpException.Reason.AMF_TOO_DEEP;
import static dev.peerlink.rtmp.RtmpException.Reason.AMF_TOO_LARGE;
import static dev.peerlink.rtmp.RtmpException.Reason.BAD_AMF_TYPE;
import static dev.peerlink.rtmp.RtmpException.Reason.TRUNCATED;

import dev.peerlink.rtmp.RtmpException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads AMF0 values from a byte range, one after another (an RTMP command is a sequence of top-level values). Not
 * thread-safe; one reader per message. Every malformation is an {@link RtmpException} (BAD_AMF_TYPE, AMF_TOO_DEEP,
 * AMF_TOO_LARGE or TRUNCATED) and nothing is allocated from a declared length before the bytes are known to be there,
 * so memory stays proportional to the input. Invalid UTF-8 decodes leniently to U+FFFD, as peers' strings are only
 * compared, never trusted.
 */
public final class Amf0Reader {
    /** ECMAScript's time value range (ECMA-262 §21.4.1.1), ±100,000,000 days. */
    private static final double MAX_DATE_MILLIS = 8.64e15;

    private final byte[] data;
    private final int end;
    private final Amf0Limits limits;
    private int pos;
    private int elements;

    public Amf0Reader(byte[] data) {
        this(data, 0, data.length, Amf0Limits.DEFAULT);
    }

    public Amf0Reader(byte[] data, int offset, int length, Amf0Limits limits) {
        Objects.checkFromIndexSize(offset, length, data.length);
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public boolean hasRemaining() {
        return pos < end;
    }

    public int position() {
        return pos;
    }

    /** The next value. */
    public Object read() throws RtmpException {
        return readValue(0);
    }

    /** All remaining values. */
    public List<Object> readAll() throws RtmpException {
        List<Object> values = new ArrayList<>();
        while (hasRemaining()) {
            values.add(read());
        }
        return values;
    }

    private Object readValue(int depth) throws RtmpException {
        if (++elements > limits.maxElements()) {
            throw new RtmpException(AMF_TOO_LARGE, "more than " + limits.maxElements() + " values");
        }
        int marker = u8();
        return switch (marker) {
            case Amf0.NUMBER -> Double.longBitsToDouble(s64());
            case Amf0.BOOLEAN -> u8() != 0;
            case Amf0.STRING -> string(u16());
            case Amf0.LONG_STRING -> string(u32());
            case Amf0.NULL -> null;
            case Amf0.UNDEFINED_MARKER -> Amf0.UNDEFINED;
            case Amf0.OBJECT -> properties(new LinkedHashMap<>(), enter(depth));
            case Amf0.ECMA_ARRAY -> {
                u32(); // the associative count is only a hint (encoders get it wrong); the end marker terminates
                yield properties(new EcmaArray(), enter(depth));
            }
            case Amf0.STRICT_ARRAY -> strictArray(enter(depth));
            case Amf0.DATE -> date();
            case Amf0.OBJECT_END -> throw new RtmpException(BAD_AMF_TYPE, "object end outside an object at " + (pos - 1));
            default -> throw new RtmpException(BAD_AMF_TYPE, "unsupported marker 0x" + Integer.toHexString(marker) + " at " + (pos - 1));
        };
    }

    private int enter(int depth) throws RtmpException {
        if (depth + 1 > limits.maxDepth()) {
            throw new RtmpException(AMF_TOO_DEEP, "nesting deeper than " + limits.maxDepth());
        }
        return depth + 1;
    }

    /** Properties until the empty key followed by the object-end marker; a later duplicate key wins. */
    private <M extends Map<String, Object>> M properties(M map, int depth) throws RtmpException {
        while (true) {
            int keyLength = u16();
            if (keyLength == 0) {
                int marker = u8();
                if (marker != Amf0.OBJECT_END) {
                    throw new RtmpException(BAD_AMF_TYPE, "empty key not followed by object end at " + (pos - 1));
                }
                return map;
            }
            String key = string(keyLength);
            map.put(key, readValue(depth));
        }
    }

    private List<Object> strictArray(int depth) throws RtmpException {
        long count = u32();
        if (count > limits.maxElements() - elements) {
            throw new RtmpException(AMF_TOO_LARGE, "strict array of " + count + " elements");
        }
        if (count > end - pos) { // every element takes at least its marker byte
            throw new RtmpException(TRUNCATED, "strict array of " + count + " elements in " + (end - pos) + " bytes");
        }
        List<Object> list = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            list.add(readValue(depth));
        }
        return list;
    }

    private Instant date() throws RtmpException {
        double millis = Double.longBitsToDouble(s64());
        need(2); // time-zone: reserved, "should be set to 0x0000", ignored
        pos += 2;
        if (!(Math.abs(millis) <= MAX_DATE_MILLIS)) { // also rejects NaN
            throw new RtmpException(BAD_AMF_TYPE, "date outside the ECMAScript range: " + millis);
        }
        return Instant.ofEpochMilli((long) millis);
    }

    private String string(long length) throws RtmpException {
        if (length > limits.maxStringBytes()) {
            throw new RtmpException(AMF_TOO_LARGE, "string of " + length + " bytes");
        }
        need(length);
        String s = new String(data, pos, (int) length, StandardCharsets.UTF_8);
        pos += (int) length;
        return s;
    }

    private void need(long n) throws RtmpException {
        if (n > end - pos) {
            throw new RtmpException(TRUNCATED, "need " + n + " bytes at " + pos + ", have " + (end - pos));
        }
    }

    private int u8() throws RtmpException {
        need(1);
        return data[pos++] & 0xFF;
    }

    private int u16() throws RtmpException {
        need(2);
        int v = (data[pos] & 0xFF) << 8 | (data[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    private long u32() throws RtmpException {
        need(4);
        long v = (long) (data[pos] & 0xFF) << 24 | (data[pos + 1] & 0xFF) << 16 | (data[pos + 2] & 0xFF) << 8 | (data[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    private long s64() throws RtmpException {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (data[pos + i] & 0xFF);
        }
        pos += 8;
        return v;
    }
}
