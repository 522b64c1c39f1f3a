package dev.peerlink.turn.server.internal;

import dev.peerlink.stun.StunMessage;
import dev.peerlink.turn.ChannelData;
import dev.peerlink.turn.server.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts a client's TCP stream into STUN messages (length from the header) and ChannelData frames
 * (length field padded to 4, RFC 8656 §12.5), as retained slices. A stream whose next frame is neither
 * is out of sync for good: counted as garbage, a {@link MalformedFrameException} raised and the connection closed.
 */
public final class TcpFrameDecoder extends ByteToMessageDecoder {
    private final Counters counters;

    public TcpFrameDecoder(Counters counters) {
        this.counters = counters;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 4) {
            int at = in.readerIndex();
            int first = in.getUnsignedByte(at) & 0xC0;
            int length;
            if (first == 0x40) {
                length = (ChannelData.HEADER_LENGTH + in.getUnsignedShort(at + 2) + 3) & ~3;
            } else if (first == 0 && (in.getUnsignedShort(at + 2) & 3) == 0) {
                if (in.readableBytes() >= 8 && in.getInt(at + 4) != StunMessage.MAGIC_COOKIE) {
                    reject(ctx, in);
                    return;
                }
                length = StunMessage.HEADER_LENGTH + in.getUnsignedShort(at + 2);
            } else {
                reject(ctx, in);
                return;
            }
            if (in.readableBytes() < length) { // both length fields are 16 bits: frames stay under 64 KiB
                return;
            }
            out.add(in.readRetainedSlice(length));
        }
    }

    /** Counts and drops the rest of the stream, then fails with a typed error (the client handler closes the connection). */
    private void reject(ChannelHandlerContext ctx, ByteBuf in) {
        counters.refused(Refusal.GARBAGE);
        int first = in.getUnsignedByte(in.readerIndex());
        in.skipBytes(in.readableBytes());
        throw new MalformedFrameException(String.format("neither STUN nor ChannelData (first byte 0x%02x)", first));
    }
}
