package dev.peerlink.rtmp.chunk;

/**
 * What a {@link ChunkDecoder} accepts from a peer. Every limit turns hostile input into a typed error before memory is
 * committed to it.
 *
 * @param maxMessageLength  longest message (the 24-bit length field allows 16 MiB − 1); MESSAGE_TOO_LARGE above
 * @param maxChunkStreams   distinct chunk stream ids a peer may use (each keeps header state); ffmpeg and OBS use
 *                          fewer than 10; TOO_MANY_CHUNK_STREAMS above
 * @param maxChunkSize      largest Set Chunk Size accepted (the spec allows up to 2^31 − 1); BAD_CHUNK_SIZE above
 * @param maxBufferedBytes  payload bytes held across all partly received messages; MESSAGE_TOO_LARGE above
 */
public record ChunkLimits(int maxMessageLength, int maxChunkStreams, int maxChunkSize, long maxBufferedBytes) {
    /** The 24-bit message length field's ceiling. */
    public static final int MAX_MESSAGE_LENGTH_FIELD = 0xFF_FFFF;

    public ChunkLimits {
        if (maxMessageLength < 0 || maxMessageLength > MAX_MESSAGE_LENGTH_FIELD) {
            throw new IllegalArgumentException("maxMessageLength outside 0.." + MAX_MESSAGE_LENGTH_FIELD);
        }
        if (maxChunkStreams < 1 || maxChunkStreams > ChunkStreams.MAX_ID - ChunkStreams.MIN_ID + 1) {
            throw new IllegalArgumentException("maxChunkStreams out of range: " + maxChunkStreams);
        }
        if (maxChunkSize < 1) {
            throw new IllegalArgumentException("maxChunkSize must be positive: " + maxChunkSize);
        }
        if (maxBufferedBytes < maxMessageLength) {
            throw new IllegalArgumentException("maxBufferedBytes below maxMessageLength");
        }
    }

    /** 16 MiB messages, 64 chunk streams, chunk size up to 16 MiB, 32 MiB buffered. */
    public static ChunkLimits defaults() {
        return new ChunkLimits(MAX_MESSAGE_LENGTH_FIELD, 64, 1 << 24, 32L << 20);
    }

    public ChunkLimits withMaxMessageLength(int v) {
        return new ChunkLimits(v, maxChunkStreams, maxChunkSize, Math.max(maxBufferedBytes, v));
    }

    public ChunkLimits withMaxChunkStreams(int v) {
        return new ChunkLimits(maxMessageLength, v, maxChunkSize, maxBufferedBytes);
    }

    public ChunkLimits withMaxChunkSize(int v) {
        return new ChunkLimits(maxMessageLength, maxChunkStreams, v, maxBufferedBytes);
    }

    public ChunkLimits withMaxBufferedBytes(long v) {
        return new ChunkLimits(maxMessageLength, maxChunkStreams, maxChunkSize, v);
    }
}
