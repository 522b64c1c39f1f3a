package dev.peerlink.secure.mux;

import java.util.Arrays;

/**
 * One frame of the stream multiplexer used over TLS (TCP paths). Wire format, 12-byte header, big-endian:
 * <pre>
 *  0       1       2               4                               8                              12
 *  +-------+-------+---------------+-------------------------------+-------------------------------+
 *  |version| type  |     flags     |           stream id           |            length             |
 *  +-------+-------+---------------+-------------------------------+-------------------------------+
 *  | payload (DATA and DATAGRAM only: exactly "length" bytes)                                        |
 * </pre>
 * {@code length} is the payload length for DATA and DATAGRAM, the window increment for WINDOW_UPDATE, an opaque
 * value for PING and an error code for GO_AWAY. See docs/secure-transport.md.
 *
 * @param value length / window delta / ping opaque / error code, as an unsigned 32-bit number
 * @param payload DATA and DATAGRAM bytes; empty for the other types
 */
public record MuxFrame(Type type, int flags, int streamId, long value, byte[] payload) {
    public static final int VERSION = 0;
    public static final int HEADER_LENGTH = 12;
    /** Largest DATA or DATAGRAM payload. */
    public static final int MAX_PAYLOAD = 64 * 1024;
    /** Largest window increment (2^31 - 1). */
    public static final long MAX_WINDOW_DELTA = Integer.MAX_VALUE;

    public static final int SYN = 0x1;
    public static final int ACK = 0x2;
    public static final int FIN = 0x4;
    public static final int RST = 0x8;
    static final int ALL_FLAGS = SYN | ACK | FIN | RST;

    private static final byte[] EMPTY = new byte[0];

    public enum Type {
        DATA(0), WINDOW_UPDATE(1), PING(2), GO_AWAY(3), DATAGRAM(4);

        final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Type of(int code) {
            return code >= 0 && code < values().length ? values()[code] : null;
        }
    }

    public MuxFrame {
        payload = payload == null ? EMPTY : payload;
    }

    public static MuxFrame data(int streamId, int flags, byte[] payload) {
        return new MuxFrame(Type.DATA, flags, streamId, payload.length, payload);
    }

    public static MuxFrame windowUpdate(int streamId, int flags, long delta) {
        return new MuxFrame(Type.WINDOW_UPDATE, flags, streamId, delta, EMPTY);
    }

    public static MuxFrame ping(int flags, long opaque) {
        return new MuxFrame(Type.PING, flags, 0, opaque, EMPTY);
    }

    public static MuxFrame goAway(long code) {
        return new MuxFrame(Type.GO_AWAY, 0, 0, code, EMPTY);
    }

    public static MuxFrame datagram(byte[] payload) {
        return new MuxFrame(Type.DATAGRAM, 0, 0, payload.length, payload);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MuxFrame f && f.type == type && f.flags == flags && f.streamId == streamId
                && f.value == value && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return ((type.hashCode() * 31 + flags) * 31 + streamId) * 31 + Long.hashCode(value) + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "MuxFrame[" + type + " flags=" + flags + " stream=" + streamId + " value=" + value + "]";
    }
}
