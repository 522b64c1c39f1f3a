package dev.peerlink.rtmp.handshake;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/** Layout helpers shared by both sides: the version byte, the 1536-byte packets and their fields. */
final class Packets {
    static final int VERSION = 3;
    static final int SIZE = FlashDigest.PACKET;
    /** The random part of C1/S1 that C2/S2 echo in the simple handshake. */
    static final int RANDOM_OFFSET = 8;

    private Packets() {}

    /** Copies up to {@code target.length - have} bytes from {@code in}; returns the new fill level. */
    static int fill(ByteBuf in, byte[] target, int have) {
        int n = Math.min(target.length - have, in.readableBytes());
        in.readBytes(target, have, n);
        return have + n;
    }

    static void checkVersion(int version, String packet) throws RtmpException {
        if (version != VERSION) {
            throw new RtmpException(Reason.BAD_VERSION, packet + " asks for RTMP version " + version
                    + (version == 6 || version == 8 ? " (RTMPE, unsupported)" : "") + ", only 3 is supported");
        }
    }

    static boolean echoes(byte[] echo, byte[] original) {
        return Arrays.equals(echo, RANDOM_OFFSET, SIZE, original, RANDOM_OFFSET, SIZE);
    }

    static long u32(byte[] b, int off) {
        return ((b[off] & 0xFFL) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static void putU32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** An echo packet: the peer's time, our time, then the peer's random bytes. */
    static byte[] echo(byte[] peerPacket, long ourTime) {
        byte[] p = peerPacket.clone();
        putU32(p, 4, ourTime);
        return p;
    }

    static RtmpException truncated(String side, String waitingFor, int have, int need) {
        return new RtmpException(Reason.TRUNCATED,
                side + " input ended while waiting for " + waitingFor + " (" + have + " of " + need + " bytes)");
    }
}
