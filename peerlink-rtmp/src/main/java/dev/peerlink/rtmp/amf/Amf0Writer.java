package dev.peerlink.rtmp.amf;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes AMF0 values (see {@link Amf0} for the Java mapping). A string over 65,535 UTF-8 bytes becomes a long string;
 * an {@link EcmaArray} becomes an ECMA array, any other map an anonymous object. Values outside the mapping, object
 * keys over 65,535 bytes and structures nested deeper than {@link #MAX_DEPTH} (a cycle, in practice) are programming
 * errors and throw {@link IllegalArgumentException}. Not thread-safe.
 */
public final class Amf0Writer {
    public static final int MAX_DEPTH = 64;

    private byte[] buf = new byte[128];
    private int size;

    public Amf0Writer write(Object value) {
        value(value, 0);
        return this;
    }

    public Amf0Writer writeAll(List<?> values) {
        for (Object v : values) {
            value(v, 0);
        }
        return this;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    public void writeTo(ByteBuf out) {
        out.writeBytes(buf, 0, size);
    }

    private void value(Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("AMF0 value nested deeper than " + MAX_DEPTH + " (a cycle?)");
        }
        switch (value) {
            case null -> u8(Amf0.NULL);
            case Amf0.Undefined u -> u8(Amf0.UNDEFINED_MARKER);
            case Number n -> {
                u8(Amf0.NUMBER);
                s64(Double.doubleToLongBits(n.doubleValue()));
            }
            case Boolean b -> {
                u8(Amf0.BOOLEAN);
                u8(b ? 1 : 0);
            }
            case String s -> string(s);
            case Instant t -> {
                u8(Amf0.DATE);
                s64(Double.doubleToLongBits(t.toEpochMilli()));
                u8(0);
                u8(0);
            }
            case EcmaArray a -> {
                u8(Amf0.ECMA_ARRAY);
                u32(a.size());
                properties(a, depth);
            }
            case Map<?, ?> m -> {
                u8(Amf0.OBJECT);
                properties(m, depth);
            }
            case List<?> l -> {
                u8(Amf0.STRICT_ARRAY);
                u32(l.size());
                for (Object e : l) {
                    value(e, depth + 1);
                }
            }
            default -> throw new IllegalArgumentException("no AMF0 mapping for " + value.getClass().getName());
        }
    }

    private void properties(Map<?, ?> map, int depth) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key) || key.isEmpty()) {
                throw new IllegalArgumentException("AMF0 object keys are non-empty strings: " + e.getKey());
            }
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            if (k.length > 0xFFFF) {
                throw new IllegalArgumentException("AMF0 object key over 65535 bytes");
            }
            u16(k.length);
            bytes(k);
            value(e.getValue(), depth + 1);
        }
        u16(0);
        u8(Amf0.OBJECT_END);
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 0xFFFF) {
            u8(Amf0.STRING);
            u16(b.length);
        } else {
            u8(Amf0.LONG_STRING);
            u32(b.length);
        }
        bytes(b);
    }

    private void ensure(int n) {
        if (buf.length - size < n) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    private void u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    private void u16(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    private void u32(long v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    private void s64(long v) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[size++] = (byte) (v >>> (i * 8));
        }
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }
}
