package dev.peerlink.rtmp.control;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;

/** Acknowledgement (type 3, spec §5.4.3): the bytes received so far, modulo 2^32. */
public record Acknowledgement(long sequenceNumber) implements ControlMessage {
    public Acknowledgement {
        Wire.checkU32(sequenceNumber, "sequence number");
    }

    @Override
    public RtmpMessage encode() {
        byte[] p = new byte[4];
        Wire.putU32(p, 0, sequenceNumber);
        return Wire.message(Type.ACKNOWLEDGEMENT, p);
    }

    public static Acknowledgement decode(RtmpMessage m) throws RtmpException {
        return new Acknowledgement(Wire.u32(Wire.payload(m, Type.ACKNOWLEDGEMENT, 4, "Acknowledgement"), 0));
    }
}
