package dev.peerlink.rtmp.control;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;

/** Abort Message (type 2, spec §5.4.2): discard the partly received message on {@code chunkStreamId}. */
public record Abort(long chunkStreamId) implements ControlMessage {
    public Abort {
        Wire.checkU32(chunkStreamId, "chunk stream id");
    }

    @Override
    public RtmpMessage encode() {
        byte[] p = new byte[4];
        Wire.putU32(p, 0, chunkStreamId);
        return Wire.message(Type.ABORT, p);
    }

    public static Abort decode(RtmpMessage m) throws RtmpException {
        return new Abort(Wire.u32(Wire.payload(m, Type.ABORT, 4, "Abort"), 0));
    }
}
