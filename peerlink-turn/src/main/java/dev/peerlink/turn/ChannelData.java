package dev.peerlink.turn;

import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunDecodeException.Reason;
import dev.peerlink.stun.internal.Bytes;
import dev.peerlink.turn.attribute.ChannelNumber;
import java.util.Arrays;

/**
 * A ChannelData message (RFC 8656 §12.4): channel number, length, application data. Over UDP the
 * datagram may carry up to 3 padding bytes; over TCP the frame is padded to a multiple of 4.
 */
public record ChannelData(int channel, byte[] data) {
    public static final int HEADER_LENGTH = 4;
    /**
     * Highest channel the codec carries. RFC 8656 assigns 0x4000–0x4FFF, but RFC 5766 allowed up to
     * 0x7FFF and coturn's clients still use that range, so the codec (not the allocator) accepts it.
     */
    public static final int MAX_CHANNEL = 0x7FFF;

    public ChannelData {
        if (channel < ChannelNumber.MIN || channel > MAX_CHANNEL) {
            throw new IllegalArgumentException(String.format("channel 0x%04x outside 0x4000-0x7FFF", channel));
        }
        if (data.length > 0xFFFF) {
            throw new IllegalArgumentException("ChannelData longer than 65535 bytes");
        }
    }

    /** True when the first byte marks a ChannelData message (top two bits 01), the demultiplexing rule. */
    public static boolean isChannelData(byte[] b, int off, int len) {
        return len >= 1 && (b[off] & 0xC0) == 0x40;
    }

    /** Encodes, padding to 4 bytes when {@code padded} (required over TCP, optional over UDP). */
    public byte[] encode(boolean padded) {
        int total = HEADER_LENGTH + data.length;
        byte[] out = new byte[padded ? (total + 3) & ~3 : total];
        Bytes.putU16(out, 0, channel);
        Bytes.putU16(out, 2, data.length);
        System.arraycopy(data, 0, out, HEADER_LENGTH, data.length);
        return out;
    }

    /**
     * Decodes one datagram. Up to 3 trailing padding bytes are allowed; anything else about the
     * length is an error. Channel numbers outside 0x4000–0x7FFF are rejected.
     */
    public static ChannelData decode(byte[] b, int off, int len) throws StunDecodeException {
        if (len < HEADER_LENGTH) {
            throw new StunDecodeException(Reason.TRUNCATED, "ChannelData of " + len + " bytes");
        }
        int channel = Bytes.u16(b, off);
        if (channel < ChannelNumber.MIN || channel > MAX_CHANNEL) {
            throw new StunDecodeException(Reason.NOT_STUN, String.format("channel 0x%04x outside 0x4000-0x7FFF", channel));
        }
        int dataLength = Bytes.u16(b, off + 2);
        if (dataLength > len - HEADER_LENGTH) {
            throw new StunDecodeException(Reason.TRUNCATED, "ChannelData says " + dataLength + " bytes, has " + (len - HEADER_LENGTH));
        }
        if (len - HEADER_LENGTH - dataLength > 3) {
            throw new StunDecodeException(Reason.BAD_LENGTH, "ChannelData followed by " + (len - HEADER_LENGTH - dataLength) + " extra bytes");
        }
        return new ChannelData(channel, Arrays.copyOfRange(b, off + HEADER_LENGTH, off + HEADER_LENGTH + dataLength));
    }

    /** Size of the padded TCP frame starting at {@code off}, or -1 when the header is incomplete. */
    public static int tcpFrameLength(byte[] b, int off, int available) {
        if (available < HEADER_LENGTH) {
            return -1;
        }
        return (HEADER_LENGTH + Bytes.u16(b, off + 2) + 3) & ~3;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelData c && c.channel == channel && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
        return channel * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return String.format("ChannelData[0x%04x, %d bytes]", channel, data.length);
    }
}
