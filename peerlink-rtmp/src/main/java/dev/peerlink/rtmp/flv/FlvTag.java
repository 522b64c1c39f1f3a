package dev.peerlink.rtmp.flv;

import java.util.Objects;

/**
 * One FLV tag (FLV spec v10, annex E.4): audio (8), video (9) or script data (18), a timestamp in milliseconds and
 * the tag body. The body of an audio or video tag is byte for byte the payload of the matching RTMP message.
 */
public record FlvTag(int type, long timestamp, byte[] body) {
    public static final int AUDIO = 8;
    public static final int VIDEO = 9;
    public static final int SCRIPT = 18;

    public FlvTag {
        if (type != AUDIO && type != VIDEO && type != SCRIPT) {
            throw new IllegalArgumentException("not an FLV tag type: " + type);
        }
        if (timestamp < 0 || timestamp > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("timestamp out of range: " + timestamp);
        }
        Objects.requireNonNull(body, "body");
        if (body.length > 0xFF_FFFF) {
            throw new IllegalArgumentException("tag body over 16 MiB: " + body.length);
        }
    }

    public boolean isVideo() {
        return type == VIDEO;
    }

    public boolean isAudio() {
        return type == AUDIO;
    }

    /** Video tag whose frame type (high nibble of byte 0) is 1, a key frame. */
    public boolean isKeyFrame() {
        return type == VIDEO && body.length > 0 && (body[0] & 0xF0) == 0x10;
    }

    /** AVC (codec 7) video tag carrying the decoder configuration (AVCPacketType 0), needed before any frame decodes. */
    public boolean isAvcSequenceHeader() {
        return type == VIDEO && body.length > 1 && (body[0] & 0x0F) == 7 && body[1] == 0;
    }

    /** AAC (sound format 10) audio tag carrying the AudioSpecificConfig (AACPacketType 0). */
    public boolean isAacSequenceHeader() {
        return type == AUDIO && body.length > 1 && ((body[0] & 0xF0) >> 4) == 10 && body[1] == 0;
    }

    @Override
    public String toString() {
        return "FlvTag[type=" + type + ", ts=" + timestamp + ", " + body.length + " bytes" + (isKeyFrame() ? ", key" : "") + "]";
    }
}
