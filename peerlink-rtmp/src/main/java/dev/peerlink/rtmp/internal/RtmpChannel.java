package dev.peerlink.rtmp.internal;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.chunk.ChunkDecoder;
import dev.peerlink.rtmp.chunk.ChunkEncoder;
import dev.peerlink.rtmp.command.Command;
import dev.peerlink.rtmp.command.Metadata;
import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.rtmp.control.AckWindow;
import dev.peerlink.rtmp.control.ControlMessage;
import dev.peerlink.rtmp.control.SetChunkSize;
import dev.peerlink.rtmp.control.UserControl;
import dev.peerlink.rtmp.control.WindowAckSize;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP connection on Netty, the part server and client share: the handshake (by the subclass), then the chunk
 * stream — decoding, acknowledgements, pings, chunk size — and commands, data and media handed to the subclass.
 *
 * <p>Every send is encoded on the channel's event loop, as a task, in call order: the chunk encoder compresses each
 * header against the previous one on its chunk stream, so two messages encoded in one order and written in another
 * would corrupt the stream. Media arrives from other connections' threads (the live hub), hence the hop.
 */
public abstract class RtmpChannel extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpChannel.class);
    /** Our outgoing chunk size: big chunks mean fewer headers on video (librtmp and ffmpeg use 4096 too). */
    public static final int CHUNK_SIZE = 4096;
    /** Acknowledgement window we ask of the peer. */
    public static final long WINDOW = 2_500_000;

    private final ChunkDecoder decoder = new ChunkDecoder();
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final AckWindow ackWindow = new AckWindow();
    private ByteBuf cumulation;
    private boolean handshakeDone;
    protected Channel channel;

    /** Feeds handshake bytes; returns bytes to send and whether it is done (leftover bytes stay in {@code in}). */
    protected abstract Step handshake(ByteBuf in) throws RtmpException;

    /** Bytes the handshake sends first (a client's C0+C1), or none. */
    protected byte[] handshakeStart() {
        return new byte[0];
    }

    protected abstract void onHandshakeDone();

    protected abstract void onCommand(Command command, int streamId) throws RtmpException;

    /** Data (type 18/15) and media (8/9) messages. */
    protected abstract void onMessage(RtmpMessage message) throws RtmpException;

    /** The connection ended; {@code cause} is null for a clean close. */
    protected abstract void onClosed(Throwable cause);

    public record Step(byte[] toSend, boolean done) {}

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        byte[] first = handshakeStart();
        if (first.length > 0) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(first));
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (cumulation == null) {
            cumulation = ctx.alloc().buffer(Math.max(4096, in.readableBytes()));
        }
        cumulation.writeBytes(in);
        in.release();
        try {
            if (!handshakeDone) {
                Step s = handshake(cumulation);
                if (s.toSend().length > 0) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(s.toSend()));
                }
                if (!s.done()) {
                    cumulation.discardReadBytes();
                    return;
                }
                handshakeDone = true;
                onHandshakeDone();
            }
            long before = decoder.bytesConsumed();
            List<RtmpMessage> messages = new ArrayList<>();
            decoder.decode(cumulation, messages::add);
            ackWindow.onReceived(decoder.bytesConsumed() - before).ifPresent(a -> send(a.encode()));
            for (RtmpMessage m : messages) {
                dispatch(m);
            }
            cumulation.discardSomeReadBytes();
        } catch (RtmpException e) {
            LOG.info("RTMP {} from {}: {}", getClass().getSimpleName(), ctx.channel().remoteAddress(), e.getMessage());
            fail(e);
        }
    }

    private void dispatch(RtmpMessage m) throws RtmpException {
        int type = m.typeId();
        if (ControlMessage.isControl(type)) {
            ControlMessage c = ControlMessage.decode(m);
            if (c instanceof WindowAckSize w) {
                ackWindow.setWindowSize(w.size());
            } else if (c instanceof UserControl.PingRequest p) {
                send(p.response().encode());
            }
            // Set Chunk Size and Abort were applied by the decoder; acknowledgements and bandwidth need nothing here
            return;
        }
        if (type == RtmpMessage.Type.COMMAND_AMF0 || type == RtmpMessage.Type.COMMAND_AMF3) {
            Command c;
            try {
                c = Command.from(m);
            } catch (RtmpException e) {
                if (e.reason() != RtmpException.Reason.BAD_COMMAND) {
                    throw e;
                }
                // e.g. ffmpeg's listen mode sends onFCPublish with no transaction id: nothing to answer, so skip it
                LOG.debug("ignoring a command we cannot read: {}", e.getMessage());
                return;
            }
            onCommand(c, m.streamId());
        } else {
            onMessage(m);
        }
    }

    /** Encodes and writes {@code m} on the event loop, after everything sent before it. */
    public final void send(RtmpMessage m) {
        Channel ch = channel;
        if (ch == null) {
            return;
        }
        ch.eventLoop().execute(() -> {
            if (!ch.isActive()) {
                return;
            }
            ByteBuf out = ch.alloc().buffer(m.payload().length + 64);
            encoder.encode(m, out);
            ch.writeAndFlush(out);
        });
    }

    /** Sends Set Chunk Size and switches our encoder to it, in order with other sends. */
    protected final void sendChunkSize(int size) {
        Channel ch = channel;
        ch.eventLoop().execute(() -> {
            ByteBuf out = ch.alloc().buffer(32);
            encoder.encode(new SetChunkSize(size).encode(), out);
            encoder.setChunkSize(size);
            ch.writeAndFlush(out);
        });
    }

    /**
     * Offers one media or script tag on {@code streamId}: false while the socket is backed up (the live hub then skips
     * ahead rather than queueing), true once queued — or when the channel is gone (its close ends the subscription).
     * A publisher's script data goes out as {@code @setDataFrame}, a player's as plain {@code onMetaData}.
     */
    protected final boolean offerTag(FlvTag tag, int streamId, boolean asPublisher) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            return true;
        }
        if (!ch.isWritable()) {
            return false;
        }
        if (tag.type() == FlvTag.SCRIPT) {
            send(asPublisher ? Metadata.toPublisherMessage(tag, streamId, tag.timestamp())
                    : Metadata.toPlayerMessage(tag, streamId, tag.timestamp()));
        } else {
            send(new RtmpMessage(tag.type(), streamId, tag.timestamp(), tag.body()));
        }
        return true;
    }

    protected final void sendCommand(Command c, int streamId) {
        send(c.toMessage(streamId));
    }

    /** Closes after everything queued so far was written. */
    protected final void closeAfterFlush() {
        Channel ch = channel;
        if (ch != null) {
            ch.eventLoop().execute(() -> ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ch.close()));
        }
    }

    private Throwable failure;

    protected final void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        onClosed(failure);
        ctx.fireChannelInactive();
    }

    /**
     * Closes a connection on which nothing moved either way for the idle time ({@link #idleHandler}): a publisher of
     * a still picture reads almost nothing (acknowledgements come per 2.5 MB), a player writes almost nothing, so a
     * read-only timeout would cut healthy one-way streams.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            LOG.info("RTMP connection {} idle; closing", ctx.channel().remoteAddress());
            fail(new java.io.IOException("the RTMP connection was idle (nothing sent or received) for too long"));
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** The handler that raises the idle event: nothing read and nothing written for {@code seconds}. */
    public static IdleStateHandler idleHandler(int seconds) {
        return new IdleStateHandler(0, 0, seconds, TimeUnit.SECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("RTMP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        fail(cause);
    }
}
