package dev.peerlink.stun.server.internal;

import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunFraming;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts a TCP stream into STUN messages (byte[]) by the header's length field. A stream that cannot
 * be STUN, or a frame over the size limit, is garbage: counted and the connection closed.
 */
public final class StunFrameDecoder extends ByteToMessageDecoder {
    private final ServerCounters counters;
    private final int maxFrame;
    private final byte[] head = new byte[4];

    public StunFrameDecoder(ServerCounters counters, int maxFrame) {
        this.counters = counters;
        this.maxFrame = maxFrame;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        in.getBytes(in.readerIndex(), head);
        int length;
        try {
            length = StunFraming.frameLength(head, 0, 4);
        } catch (StunDecodeException e) {
            reject(ctx, in);
            return;
        }
        if (length > maxFrame) {
            reject(ctx, in);
            return;
        }
        if (in.readableBytes() < length) {
            return;
        }
        byte[] frame = new byte[length];
        in.readBytes(frame);
        out.add(frame);
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in) {
        counters.garbage();
        in.skipBytes(in.readableBytes());
        ctx.close();
    }
}
