package dev.peerlink.rtmp.chunk;

import dev.peerlink.rtmp.RtmpMessage;
import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;

/**
 * Splits messages into chunks (spec §5.3) with the most compact message header each chunk stream allows:
 * <ul>
 *   <li>fmt 0 for the first message on a chunk stream, a different message stream id, or a timestamp that went
 *       backwards (deltas are unsigned);</li>
 *   <li>fmt 3 when length, type and timestamp delta all repeat (after a fmt 0 header the "delta" a fmt 3 header
 *       repeats is that header's timestamp, §5.3.1.2.4 — ffmpeg decodes it so);</li>
 *   <li>fmt 2 when only the delta changed, fmt 1 otherwise.</li>
 * </ul>
 * Timestamps or deltas of 0xFFFFFF and more go in the 4-byte extended field, repeated in every fmt 3 chunk of the
 * message. Each message is written whole (its chunks are not interleaved with other messages').
 *
 * <p>The outgoing chunk size starts at 128; after encoding a Set Chunk Size message, call {@link #setChunkSize} so the
 * following chunks use it. Not thread-safe: one per connection, used by its writing thread.
 */
public final class ChunkEncoder {
    private static final long EXTENDED = 0xFF_FFFF;

    private final Map<Integer, OutboundState> streams = new HashMap<>();
    private int chunkSize = ChunkDecoder.DEFAULT_CHUNK_SIZE;

    /** The last header written on one chunk stream. */
    private static final class OutboundState {
        int streamId;
        int length;
        int typeId;
        long timestamp;
        long delta;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Uses {@code size} for the chunks that follow; call it right after encoding the Set Chunk Size that announced it. */
    public void setChunkSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be 1.." + Integer.MAX_VALUE + ": " + size);
        }
        chunkSize = size;
    }

    /** Encodes {@code m} on its default chunk stream ({@link ChunkStreams#forMessage}). */
    public void encode(RtmpMessage m, ByteBuf out) {
        encode(m, ChunkStreams.forMessage(m), out);
    }

    /** Appends the chunks of {@code m} on chunk stream {@code csid} to {@code out}. */
    public void encode(RtmpMessage m, int csid, ByteBuf out) {
        ChunkStreams.check(csid);
        int length = m.payload().length;
        if (length > ChunkLimits.MAX_MESSAGE_LENGTH_FIELD) {
            throw new IllegalArgumentException("payload of " + length + " bytes exceeds the 24-bit length field");
        }
        OutboundState s = streams.get(csid);
        int fmt;
        long field;
        if (s == null || s.streamId != m.streamId() || m.timestamp() < s.timestamp) {
            if (s == null) {
                s = new OutboundState();
                streams.put(csid, s);
            }
            fmt = 0;
            field = m.timestamp();
        } else {
            field = m.timestamp() - s.timestamp;
            if (length == s.length && m.typeId() == s.typeId) {
                fmt = field == s.delta ? 3 : 2;
            } else {
                fmt = 1;
            }
        }
        s.streamId = m.streamId();
        s.length = length;
        s.typeId = m.typeId();
        s.timestamp = m.timestamp();
        s.delta = field;
        boolean extended = field >= EXTENDED;

        writeBasicHeader(out, fmt, csid);
        if (fmt <= 2) {
            out.writeMedium((int) (extended ? EXTENDED : field));
        }
        if (fmt <= 1) {
            out.writeMedium(length);
            out.writeByte(m.typeId());
        }
        if (fmt == 0) {
            out.writeIntLE(m.streamId());
        }
        if (extended) {
            out.writeInt((int) field);
        }
        int written = Math.min(chunkSize, length);
        out.writeBytes(m.payload(), 0, written);
        while (written < length) {
            writeBasicHeader(out, 3, csid);
            if (extended) {
                out.writeInt((int) field);
            }
            int n = Math.min(chunkSize, length - written);
            out.writeBytes(m.payload(), written, n);
            written += n;
        }
    }

    private static void writeBasicHeader(ByteBuf out, int fmt, int csid) {
        if (csid < 64) {
            out.writeByte(fmt << 6 | csid);
        } else if (csid < 320) {
            out.writeByte(fmt << 6);
            out.writeByte(csid - 64);
        } else {
            out.writeByte(fmt << 6 | 1);
            out.writeByte((csid - 64) & 0xFF);
            out.writeByte((csid - 64) >>> 8);
        }
    }
}
