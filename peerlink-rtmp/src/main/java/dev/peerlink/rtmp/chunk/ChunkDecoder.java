package dev.peerlink.rtmp.chunk;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;
import dev.peerlink.rtmp.control.Abort;
import dev.peerlink.rtmp.control.SetChunkSize;
import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reassembles RTMP messages from the peer's chunk stream (spec §5.3): basic headers of 1–3 bytes (chunk stream ids
 * 2–65599), message headers fmt 0–3, extended timestamps, timestamp deltas and interleaved chunk streams.
 *
 * <p>Incremental: {@link #decode} takes whatever bytes have arrived, consumes every complete chunk header and every
 * payload byte available (a chunk's payload may arrive in pieces), and leaves only an incomplete header (at most 18
 * bytes) unread in the buffer for the next call, as Netty's {@code ByteToMessageDecoder} expects.
 *
 * <p>The decoder applies the peer's Set Chunk Size (type 1) and Abort (type 2) itself, because the next chunk cannot
 * be parsed without them; it still delivers both to the consumer, already applied, so a session can log them. Callers
 * must not apply them again to this decoder.
 *
 * <p>Extended timestamps follow the spec's rule: a fmt 3 chunk carries the 4-byte field when the last fmt 0/1/2 header
 * on its chunk stream did (ffmpeg and librtmp write it so). A fmt 3 header that starts a new message adds the last
 * delta, which after a fmt 0 header is that header's timestamp (§5.3.1.2.4).
 *
 * <p>Errors are {@link RtmpException}s and final: the decoder then refuses further input, since the chunk stream has
 * lost its framing. Not thread-safe: one per connection.
 */
public final class ChunkDecoder {
    public static final int DEFAULT_CHUNK_SIZE = 128;
    private static final int[] MESSAGE_HEADER_LENGTH = {11, 7, 3, 0};
    private static final int EXTENDED = 0xFF_FFFF;

    private final ChunkLimits limits;
    private final Map<Integer, InboundChunkStream> streams = new HashMap<>();
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private InboundChunkStream current;
    private int chunkRemaining;
    private long buffered;
    private long consumed;
    private RtmpException failure;

    public ChunkDecoder() {
        this(ChunkLimits.defaults());
    }

    public ChunkDecoder(ChunkLimits limits) {
        this.limits = limits;
    }

    /** The peer's current chunk size (128 until it sends Set Chunk Size). */
    public int chunkSize() {
        return chunkSize;
    }

    /** Bytes consumed from the input so far (for acknowledgement windows). */
    public long bytesConsumed() {
        return consumed;
    }

    /** Payload bytes held in partly received messages. */
    public long bufferedBytes() {
        return buffered;
    }

    /** Consumes what it can of {@code in}, passing each complete message to {@code out} in arrival order. */
    public void decode(ByteBuf in, Consumer<RtmpMessage> out) throws RtmpException {
        if (failure != null) {
            throw new RtmpException(failure.reason(), "decoder failed earlier: " + failure.getMessage());
        }
        try {
            while (chunkRemaining > 0 ? in.isReadable() && readPayload(in, out) : readHeader(in, out)) {
                // each step consumed something
            }
        } catch (RtmpException e) {
            failure = e;
            throw e;
        }
    }

    /** Reads one chunk header if it is complete; false (nothing consumed) when more bytes are needed. */
    private boolean readHeader(ByteBuf in, Consumer<RtmpMessage> out) throws RtmpException {
        int start = in.readerIndex();
        int avail = in.readableBytes();
        if (avail < 1) {
            return false;
        }
        int b0 = in.getUnsignedByte(start);
        int fmt = b0 >>> 6;
        int csid = b0 & 0x3F;
        int pos = 1;
        if (csid == 0) {
            if (avail < 2) {
                return false;
            }
            csid = 64 + in.getUnsignedByte(start + 1);
            pos = 2;
        } else if (csid == 1) {
            if (avail < 3) {
                return false;
            }
            csid = 64 + in.getUnsignedByte(start + 1) + (in.getUnsignedByte(start + 2) << 8);
            pos = 3;
        }
        int headerEnd = pos + MESSAGE_HEADER_LENGTH[fmt];
        if (avail < headerEnd) {
            return false;
        }
        InboundChunkStream s = streams.get(csid);
        if (fmt != 0 && s == null) {
            throw new RtmpException(Reason.NO_PREVIOUS_HEADER, "fmt " + fmt + " on chunk stream " + csid + " before any fmt 0");
        }
        int tsField = fmt == 3 ? 0 : in.getUnsignedMedium(start + pos);
        boolean extended = fmt == 3 ? s.extended : tsField == EXTENDED;
        if (avail < headerEnd + (extended ? 4 : 0)) {
            return false;
        }
        long ts = extended ? in.getUnsignedInt(start + headerEnd) : fmt == 3 ? s.delta : tsField;
        if (fmt != 3 && s != null && s.inProgress) {
            throw new RtmpException(Reason.BAD_CHUNK_HEADER, "fmt " + fmt + " header on chunk stream " + csid
                    + " while its message has " + (s.length - s.filled) + " bytes to go");
        }
        if (fmt <= 1) {
            int length = in.getUnsignedMedium(start + pos + 3);
            if (length > limits.maxMessageLength()) {
                throw new RtmpException(Reason.MESSAGE_TOO_LARGE,
                        "message of " + length + " bytes, limit " + limits.maxMessageLength());
            }
            if (s == null) {
                if (streams.size() >= limits.maxChunkStreams()) {
                    throw new RtmpException(Reason.TOO_MANY_CHUNK_STREAMS,
                            "chunk stream " + csid + " would be number " + (streams.size() + 1)
                                    + ", limit " + limits.maxChunkStreams());
                }
                s = new InboundChunkStream();
                streams.put(csid, s);
            }
            s.length = length;
            s.typeId = in.getUnsignedByte(start + pos + 6);
            if (fmt == 0) {
                s.streamId = in.getIntLE(start + pos + 7);
            }
        }
        if (fmt != 3) {
            s.extended = extended;
        }
        boolean continuation = fmt == 3 && s.inProgress;
        if (!continuation) {
            s.delta = ts;
            s.timestamp = fmt == 0 ? ts : (s.timestamp + ts) & 0xFFFF_FFFFL;
            s.begin();
        }
        int headerLength = headerEnd + (extended ? 4 : 0);
        in.readerIndex(start + headerLength);
        consumed += headerLength;
        current = s;
        chunkRemaining = Math.min(chunkSize, s.length - s.filled);
        if (s.length == 0) {
            complete(s, out);
        }
        return true;
    }

    private boolean readPayload(ByteBuf in, Consumer<RtmpMessage> out) throws RtmpException {
        InboundChunkStream s = current;
        int n = Math.min(chunkRemaining, in.readableBytes());
        if (buffered + n > limits.maxBufferedBytes()) {
            throw new RtmpException(Reason.MESSAGE_TOO_LARGE, "partly received messages would hold "
                    + (buffered + n) + " bytes, limit " + limits.maxBufferedBytes());
        }
        in.readBytes(s.room(n), s.filled, n);
        s.filled += n;
        buffered += n;
        consumed += n;
        chunkRemaining -= n;
        if (s.filled == s.length) {
            complete(s, out);
        }
        return true;
    }

    private void complete(InboundChunkStream s, Consumer<RtmpMessage> out) throws RtmpException {
        buffered -= s.filled;
        RtmpMessage m = new RtmpMessage(s.typeId, s.streamId, s.timestamp, s.finish());
        apply(m);
        out.accept(m);
    }

    /** Set Chunk Size and Abort change how the following chunks parse, so they take effect here. */
    private void apply(RtmpMessage m) throws RtmpException {
        if (m.typeId() == Type.SET_CHUNK_SIZE) {
            int size = SetChunkSize.decode(m).size();
            if (size > limits.maxChunkSize()) {
                throw new RtmpException(Reason.BAD_CHUNK_SIZE, "chunk size " + size + ", limit " + limits.maxChunkSize());
            }
            chunkSize = size;
        } else if (m.typeId() == Type.ABORT) {
            long id = Abort.decode(m).chunkStreamId();
            InboundChunkStream s = id > ChunkStreams.MAX_ID ? null : streams.get((int) id);
            if (s != null && s.inProgress) {
                buffered -= s.filled;
                s.discard();
            }
        }
    }
}
