package dev.peerlink.rtmp.control;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;

/**
 * Window Acknowledgement Size (type 5, spec §5.4.4): the receiver of this message acknowledges every {@code size}
 * bytes it receives. Zero is decoded as sent; {@link AckWindow} treats it as "no acknowledgements".
 */
public record WindowAckSize(long size) implements ControlMessage {
    public WindowAckSize {
        Wire.checkU32(size, "window size");
    }

    @Override
    public RtmpMessage encode() {
        byte[] p = new byte[4];
        Wire.putU32(p, 0, size);
        return Wire.message(Type.WINDOW_ACK_SIZE, p);
    }

    public static WindowAckSize decode(RtmpMessage m) throws RtmpException {
        return new WindowAckSize(Wire.u32(Wire.payload(m, Type.WINDOW_ACK_SIZE, 4, "Window Acknowledgement Size"), 0));
    }
}
