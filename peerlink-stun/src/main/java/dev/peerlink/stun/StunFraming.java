package dev.peerlink.stun;

import dev.peerlink.stun.StunDecodeException.Reason;
import dev.peerlink.stun.internal.Bytes;

/** Cuts STUN messages out of a TCP byte stream: the header's length field gives each frame's size. */
public final class StunFraming {
    private StunFraming() {}

    /**
     * The size of the frame that starts at {@code off}, or -1 when fewer than 4 bytes are
     * available to tell. Rejects streams that cannot be STUN so a connection can be closed early:
     * top bits set, a length that is not a multiple of 4 and, once 8 bytes are there, no magic cookie.
     */
    public static int frameLength(byte[] data, int off, int available) throws StunDecodeException {
        if (available < 4) {
            return -1;
        }
        if ((data[off] & 0xC0) != 0) {
            throw new StunDecodeException(Reason.NOT_STUN, "top bits of the message type are set");
        }
        int bodyLength = Bytes.u16(data, off + 2);
        if ((bodyLength & 3) != 0) {
            throw new StunDecodeException(Reason.BAD_LENGTH, "length " + bodyLength + " is not a multiple of 4");
        }
        if (available >= 8 && Bytes.u32(data, off + 4) != StunMessage.MAGIC_COOKIE) {
            throw new StunDecodeException(Reason.BAD_MAGIC_COOKIE, "no magic cookie");
        }
        return StunMessage.HEADER_LENGTH + bodyLength;
    }
}
