package dev.peerlink.peer.internal.stream;

import java.io.IOException;

/**
 * The peer broke the framing of {@link MigratingConnection}'s physical streams: a malformed segment header or chunk
 * code, a continuation for a logical stream we do not know, or a segment out of order. Carries no stack trace (it is
 * about the peer's bytes, not our code path).
 */
public final class StreamFramingException extends IOException {
    /** What was wrong. */
    public enum Reason {
        /** Header kind byte is not DATA, RESET or DRAIN. */
        BAD_KIND,
        /** Logical stream id is zero or negative (DATA/RESET headers). */
        BAD_STREAM_ID,
        /** Chunk code below -2 (the only negative codes are MOVED and RESET). */
        BAD_CODE,
        /** Chunk length above 65,536. */
        TOO_LONG,
        /** The physical stream ended inside a header or chunk, or without END/MOVED/RESET. */
        TRUNCATED,
        /** A continuation segment (or segment 0 of a direction we must know) for a logical stream we do not have. */
        UNKNOWN_STREAM,
        /** A segment number that is negative, repeated, already past, or a second segment 0 of a stream. */
        SEGMENT_ORDER
    }

    private final Reason reason;

    public StreamFramingException(Reason reason, String message) {
        super(reason + ": " + message, null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
