package dev.peerlink.rtmp.control;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;
import java.util.Objects;

/**
 * Set Peer Bandwidth (type 6, spec §5.4.5): limits the receiver's output window; the receiver answers with a Window
 * Acknowledgement Size when the window changes.
 */
public record SetPeerBandwidth(long windowSize, LimitType limitType) implements ControlMessage {
    /** The limit type byte: 0 hard, 1 soft, 2 dynamic. */
    public enum LimitType {
        HARD,
        SOFT,
        DYNAMIC;

        public int code() {
            return ordinal();
        }
    }

    public SetPeerBandwidth {
        Wire.checkU32(windowSize, "window size");
        Objects.requireNonNull(limitType, "limitType");
    }

    @Override
    public RtmpMessage encode() {
        byte[] p = new byte[5];
        Wire.putU32(p, 0, windowSize);
        p[4] = (byte) limitType.code();
        return Wire.message(Type.SET_PEER_BANDWIDTH, p);
    }

    public static SetPeerBandwidth decode(RtmpMessage m) throws RtmpException {
        byte[] p = Wire.payload(m, Type.SET_PEER_BANDWIDTH, 5, "Set Peer Bandwidth");
        int limit = p[4] & 0xFF;
        if (limit >= LimitType.values().length) {
            throw new RtmpException(Reason.BAD_CONTROL_MESSAGE, "limit type " + limit + " is not 0, 1 or 2");
        }
        return new SetPeerBandwidth(Wire.u32(p, 0), LimitType.values()[limit]);
    }
}
