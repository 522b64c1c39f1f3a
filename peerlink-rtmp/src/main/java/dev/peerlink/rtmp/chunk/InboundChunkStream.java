package dev.peerlink.rtmp.chunk;

import java.util.Arrays;

/**
 * What the decoder remembers per chunk stream: the last message header (for fmt 1–3 to inherit from) and the message
 * being reassembled. The payload buffer grows with the bytes that actually arrive, never to the announced length up
 * front, so a header alone cannot make the decoder allocate.
 */
final class InboundChunkStream {
    /** The default chunk size: a first chunk smaller than this still gets room for a typical one. */
    private static final int FIRST_CAPACITY = 128;

    int streamId;
    int length;
    int typeId;
    /** Absolute timestamp of the current (or last) message, 32-bit unsigned. */
    long timestamp;
    /** The delta a fmt 3 header starting a new message adds: the last fmt 1/2 delta, or the fmt 0 timestamp. */
    long delta;
    /** Whether the last fmt 0/1/2 header carried an extended timestamp: its fmt 3 chunks carry one too. */
    boolean extended;

    boolean inProgress;
    int filled;
    private byte[] buffer;

    void begin() {
        inProgress = true;
        filled = 0;
        buffer = null;
    }

    /** Makes room for {@code n} more bytes, growing geometrically up to the message length. */
    byte[] room(int n) {
        int need = filled + n;
        if (buffer == null || buffer.length < need) {
            long doubled = buffer == null ? FIRST_CAPACITY : 2L * buffer.length;
            int capacity = (int) Math.min(length, Math.max(need, doubled));
            buffer = buffer == null ? new byte[capacity] : Arrays.copyOf(buffer, capacity);
        }
        return buffer;
    }

    /** The complete payload; ends the message. */
    byte[] finish() {
        byte[] payload = buffer == null ? new byte[0] : buffer.length == length ? buffer : Arrays.copyOf(buffer, length);
        discard();
        return payload;
    }

    void discard() {
        inProgress = false;
        filled = 0;
        buffer = null;
    }
}
