package dev.peerlink.rtmp.chunk;

import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;

/**
 * Chunk stream ids: the valid range and the default mapping of messages to chunk streams.
 *
 * <p>Why this mapping: the spec reserves chunk stream 2 for protocol control and user control messages. Commands and
 * data go on 3 so a command never waits behind a large video frame on the peer's side of the multiplex. Audio (4) and
 * video (6) get one chunk stream each because each then repeats its own length, type and timestamp delta, so the
 * encoder's header compression works: a steady audio stream is all fmt 3 headers, steady video fmt 1/2. The numbers
 * are the ones ffmpeg and librtmp use, which keeps captures from both sides easy to compare.
 */
public final class ChunkStreams {
    public static final int MIN_ID = 2;
    /** 64 + 255 + 255 × 256: the largest id the 3-byte basic header can carry. */
    public static final int MAX_ID = 65_599;

    public static final int CONTROL = 2;
    public static final int COMMAND = 3;
    public static final int AUDIO = 4;
    public static final int VIDEO = 6;

    private ChunkStreams() {}

    /** The default chunk stream for {@code m}. */
    public static int forMessage(RtmpMessage m) {
        return forType(m.typeId());
    }

    public static int forType(int typeId) {
        return switch (typeId) {
            case Type.SET_CHUNK_SIZE, Type.ABORT, Type.ACKNOWLEDGEMENT, Type.USER_CONTROL, Type.WINDOW_ACK_SIZE,
                    Type.SET_PEER_BANDWIDTH -> CONTROL;
            case Type.AUDIO -> AUDIO;
            case Type.VIDEO, Type.AGGREGATE -> VIDEO;
            default -> COMMAND;
        };
    }

    static void check(int csid) {
        if (csid < MIN_ID || csid > MAX_ID) {
            throw new IllegalArgumentException("chunk stream id outside " + MIN_ID + ".." + MAX_ID + ": " + csid);
        }
    }
}
