package dev.peerlink.turn.attribute;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;

/** CHANNEL-NUMBER (RFC 8656 §18.1): 16-bit channel, then 16 reserved bits. Valid channels are 0x4000–0x4FFF. */
public record ChannelNumber(int number) implements StunAttribute {
    public static final int MIN = 0x4000;
    public static final int MAX = 0x4FFF;

    public ChannelNumber {
        if (number < 0 || number > 0xFFFF) {
            throw new IllegalArgumentException("channel number is 16 bits: " + number);
        }
    }

    /** In the range RFC 8656 allows for channels; other values are decodable but refused with 400. */
    public boolean isValid() {
        return number >= MIN && number <= MAX;
    }

    @Override
    public int type() {
        return TurnAttributeType.CHANNEL_NUMBER;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u16(number);
        out.u16(0);
    }
}
