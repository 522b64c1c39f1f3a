package dev.peerlink.rtmp.control;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;

/**
 * Set Chunk Size (type 1, spec §5.4.1): the sender's new maximum chunk payload, 31 bits, at least 1. The top bit of the
 * field must be zero.
 */
public record SetChunkSize(int size) implements ControlMessage {
    public static final int MAX = Integer.MAX_VALUE;

    public SetChunkSize {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be 1.." + MAX + ": " + size);
        }
    }

    @Override
    public RtmpMessage encode() {
        byte[] p = new byte[4];
        Wire.putU32(p, 0, size);
        return Wire.message(Type.SET_CHUNK_SIZE, p);
    }

    public static SetChunkSize decode(RtmpMessage m) throws RtmpException {
        long v = Wire.u32(Wire.payload(m, Type.SET_CHUNK_SIZE, 4, "Set Chunk Size"), 0);
        if (v < 1 || v > MAX) {
            throw new RtmpException(Reason.BAD_CHUNK_SIZE, "chunk size " + v + " outside 1.." + MAX);
        }
        return new SetChunkSize((int) v);
    }
}
