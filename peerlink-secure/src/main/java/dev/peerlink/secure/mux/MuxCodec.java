package dev.peerlink.secure.mux;

import dev.peerlink.secure.mux.MuxDecodeException.Reason;
import java.nio.ByteBuffer;

/** Pure encoder and decoder of {@link MuxFrame}s: bytes in, frames or a typed {@link MuxDecodeException} out. */
public final class MuxCodec {
    private MuxCodec() {
    }

    /** Validates and encodes a frame. */
    public static byte[] encode(MuxFrame f) {
        ByteBuffer b = ByteBuffer.allocate(MuxFrame.HEADER_LENGTH + f.payload().length);
        encode(f, b);
        return b.array();
    }

    /** Encodes into {@code out} (which must have room for header and payload). */
    public static void encode(MuxFrame f, ByteBuffer out) {
        try {
            validate(f.type(), f.flags(), f.streamId() & 0xffffffffL, f.value());
        } catch (MuxDecodeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        boolean hasPayload = f.type() == MuxFrame.Type.DATA || f.type() == MuxFrame.Type.DATAGRAM;
        if (hasPayload ? f.payload().length != f.value() : f.payload().length != 0) {
            throw new IllegalArgumentException("payload does not match length for " + f.type());
        }
        out.put((byte) MuxFrame.VERSION).put((byte) f.type().code()).putShort((short) f.flags())
                .putInt(f.streamId()).putInt((int) f.value()).put(f.payload());
    }

    /** Writes just a header (for payloads sent straight from the caller's array). */
    public static void encodeHeader(MuxFrame.Type type, int flags, int streamId, long value, byte[] out, int off) {
        try {
            validate(type, flags, streamId & 0xffffffffL, value);
        } catch (MuxDecodeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        out[off] = MuxFrame.VERSION;
        out[off + 1] = (byte) type.code();
        out[off + 2] = (byte) (flags >>> 8);
        out[off + 3] = (byte) flags;
        putInt(out, off + 4, streamId);
        putInt(out, off + 8, (int) value);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /**
     * Decodes one frame from the start of {@code in}'s remaining bytes. Returns null, consuming nothing, when the
     * bytes hold only part of a frame (the header is checked as soon as it is complete, so a bad header fails
     * before its announced payload arrives). On success the frame's bytes are consumed.
     */
    public static MuxFrame decode(ByteBuffer in) throws MuxDecodeException {
        if (in.remaining() < MuxFrame.HEADER_LENGTH) {
            return null;
        }
        int p = in.position();
        int version = in.get(p) & 0xff;
        int typeCode = in.get(p + 1) & 0xff;
        int flags = in.getShort(p + 2) & 0xffff;
        long streamId = in.getInt(p + 4) & 0xffffffffL;
        long value = in.getInt(p + 8) & 0xffffffffL;
        if (version != MuxFrame.VERSION) {
            throw new MuxDecodeException(Reason.UNSUPPORTED_VERSION, "version " + version);
        }
        MuxFrame.Type type = MuxFrame.Type.of(typeCode);
        if (type == null) {
            throw new MuxDecodeException(Reason.UNKNOWN_TYPE, "type " + typeCode);
        }
        validate(type, flags, streamId, value);
        byte[] payload = null;
        if (type == MuxFrame.Type.DATA || type == MuxFrame.Type.DATAGRAM) {
            if (in.remaining() < MuxFrame.HEADER_LENGTH + value) {
                return null;
            }
            payload = new byte[(int) value];
            in.get(p + MuxFrame.HEADER_LENGTH, payload);
        }
        in.position(p + MuxFrame.HEADER_LENGTH + (payload == null ? 0 : payload.length));
        return new MuxFrame(type, flags, (int) streamId, value, payload);
    }

    static void validate(MuxFrame.Type type, int flags, long streamId, long value) throws MuxDecodeException {
        if ((flags & ~MuxFrame.ALL_FLAGS) != 0) {
            throw new MuxDecodeException(Reason.UNKNOWN_FLAGS, "flags 0x" + Integer.toHexString(flags));
        }
        if (streamId > Integer.MAX_VALUE) {
            throw new MuxDecodeException(Reason.INVALID_STREAM_ID, "stream id " + streamId + " above 2^31-1");
        }
        switch (type) {
            case DATA, WINDOW_UPDATE -> {
                if (streamId == 0) {
                    throw new MuxDecodeException(Reason.INVALID_STREAM_ID, type + " on stream 0");
                }
                if ((flags & MuxFrame.RST) != 0 && (flags & (MuxFrame.SYN | MuxFrame.FIN)) != 0) {
                    throw new MuxDecodeException(Reason.INVALID_FLAGS, "RST with SYN or FIN");
                }
                if (type == MuxFrame.Type.DATA && value > MuxFrame.MAX_PAYLOAD) {
                    throw new MuxDecodeException(Reason.FRAME_TOO_LARGE, value + " bytes");
                }
                if (type == MuxFrame.Type.WINDOW_UPDATE && value > MuxFrame.MAX_WINDOW_DELTA) {
                    throw new MuxDecodeException(Reason.INVALID_WINDOW_DELTA, "delta " + value);
                }
            }
            case PING -> {
                if (streamId != 0) {
                    throw new MuxDecodeException(Reason.INVALID_STREAM_ID, "PING on stream " + streamId);
                }
                if ((flags & ~MuxFrame.ACK) != 0) {
                    throw new MuxDecodeException(Reason.INVALID_FLAGS, "PING flags " + flags);
                }
            }
            case GO_AWAY, DATAGRAM -> {
                if (streamId != 0) {
                    throw new MuxDecodeException(Reason.INVALID_STREAM_ID, type + " on stream " + streamId);
                }
                if (flags != 0) {
                    throw new MuxDecodeException(Reason.INVALID_FLAGS, type + " flags " + flags);
                }
                if (type == MuxFrame.Type.DATAGRAM && value > MuxFrame.MAX_PAYLOAD) {
                    throw new MuxDecodeException(Reason.FRAME_TOO_LARGE, value + " bytes");
                }
            }
        }
    }
}
