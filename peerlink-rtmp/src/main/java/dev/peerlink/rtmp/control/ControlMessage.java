package dev.peerlink.rtmp.control;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;

/**
 * A protocol control message (RTMP spec §5.4, types 1–6) as a typed record. Every one travels on message stream 0 with
 * timestamp 0 and belongs on chunk stream 2. Decoding does not insist on stream 0: the payload alone decides, since
 * some peers get the stream id wrong and nothing depends on it.
 */
public sealed interface ControlMessage
        permits SetChunkSize, Abort, Acknowledgement, WindowAckSize, SetPeerBandwidth, UserControl {

    /** The message to hand to a chunk encoder. */
    RtmpMessage encode();

    /** True for the type ids this package decodes (1–6). */
    static boolean isControl(int typeId) {
        return typeId >= Type.SET_CHUNK_SIZE && typeId <= Type.SET_PEER_BANDWIDTH;
    }

    /** Decodes any control message; {@code PROTOCOL} when {@code m} is not one. */
    static ControlMessage decode(RtmpMessage m) throws RtmpException {
        return switch (m.typeId()) {
            case Type.SET_CHUNK_SIZE -> SetChunkSize.decode(m);
            case Type.ABORT -> Abort.decode(m);
            case Type.ACKNOWLEDGEMENT -> Acknowledgement.decode(m);
            case Type.USER_CONTROL -> UserControl.decode(m);
            case Type.WINDOW_ACK_SIZE -> WindowAckSize.decode(m);
            case Type.SET_PEER_BANDWIDTH -> SetPeerBandwidth.decode(m);
            default -> throw new RtmpException(Reason.PROTOCOL, "type " + m.typeId() + " is not a control message");
        };
    }
}
