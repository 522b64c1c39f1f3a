package dev.peerlink.rtmp;

import java.util.Objects;

/**
 * One RTMP message as the chunk stream delivers it (RTMP spec §5.4 / §6.1): a type id, the message stream id, a 32-bit
 * timestamp in milliseconds (the absolute value, extended timestamps and deltas already resolved) and the payload.
 * For audio (8) and video (9) the payload is exactly an FLV tag body, so media moves between RTMP and FLV unchanged.
 */
public record RtmpMessage(int typeId, int streamId, long timestamp, byte[] payload) {
    public RtmpMessage {
        if (typeId < 0 || typeId > 255) {
            throw new IllegalArgumentException("type id out of range: " + typeId);
        }
        if (timestamp < 0 || timestamp > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("timestamp out of range: " + timestamp);
        }
        Objects.requireNonNull(payload, "payload");
    }

    /** Message type ids (RTMP spec §5.4 and §7.1). */
    public static final class Type {
        public static final int SET_CHUNK_SIZE = 1;
        public static final int ABORT = 2;
        public static final int ACKNOWLEDGEMENT = 3;
        public static final int USER_CONTROL = 4;
        public static final int WINDOW_ACK_SIZE = 5;
        public static final int SET_PEER_BANDWIDTH = 6;
        public static final int AUDIO = 8;
        public static final int VIDEO = 9;
        public static final int DATA_AMF3 = 15;
        public static final int COMMAND_AMF3 = 17;
        public static final int DATA_AMF0 = 18;
        public static final int COMMAND_AMF0 = 20;
        public static final int AGGREGATE = 22;

        private Type() {}
    }

    public boolean isMedia() {
        return typeId == Type.AUDIO || typeId == Type.VIDEO;
    }

    @Override
    public String toString() {
        return "RtmpMessage[type=" + typeId + ", stream=" + streamId + ", ts=" + timestamp + ", " + payload.length + " bytes]";
    }
}
