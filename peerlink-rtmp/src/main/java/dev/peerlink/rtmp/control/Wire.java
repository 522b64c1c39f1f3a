package dev.peerlink.rtmp.control;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import dev.peerlink.rtmp.RtmpMessage;

/** Big-endian field helpers and the length check shared by the control records. */
final class Wire {
    private Wire() {}

    static byte[] payload(RtmpMessage m, int typeId, int length, String name) throws RtmpException {
        if (m.typeId() != typeId) {
            throw new RtmpException(Reason.PROTOCOL, "type " + m.typeId() + " is not " + name + " (" + typeId + ")");
        }
        byte[] p = m.payload();
        if (p.length != length) {
            throw new RtmpException(Reason.BAD_CONTROL_MESSAGE, name + " has " + p.length + " bytes, not " + length);
        }
        return p;
    }

    static long u32(byte[] b, int off) {
        return ((b[off] & 0xFFL) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static void putU32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static long checkU32(long v, String what) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(what + " out of the unsigned 32-bit range: " + v);
        }
        return v;
    }

    static RtmpMessage message(int typeId, byte[] payload) {
        return new RtmpMessage(typeId, 0, 0, payload);
    }
}
