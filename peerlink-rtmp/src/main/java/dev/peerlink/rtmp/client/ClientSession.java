package dev.peerlink.rtmp.client;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.command.Command;
import dev.peerlink.rtmp.command.ConnectRequest;
import dev.peerlink.rtmp.command.Metadata;
import dev.peerlink.rtmp.command.NetConnection;
import dev.peerlink.rtmp.command.NetStream;
import dev.peerlink.rtmp.command.PlayRequest;
import dev.peerlink.rtmp.command.PublishRequest;
import dev.peerlink.rtmp.command.Status;
import dev.peerlink.rtmp.control.UserControl;
import dev.peerlink.rtmp.control.WindowAckSize;
import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.rtmp.handshake.HandshakeClient;
import dev.peerlink.rtmp.handshake.HandshakeMode;
import dev.peerlink.rtmp.handshake.HandshakeStep;
import dev.peerlink.rtmp.internal.RtmpChannel;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The client side of one RTMP connection, publishing or playing one stream: handshake (C0/C1/C2), connect,
 * createStream, then publish or play — the exchange ffmpeg and OBS run against a server.
 */
final class ClientSession extends RtmpChannel {
    enum Mode { PUBLISH, PLAY }

    private static final double TXN_CONNECT = 1;
    private static final double TXN_CREATE_STREAM = 4;
    private static final double TXN_PUBLISH = 5;

    private final HandshakeClient handshake = new HandshakeClient(HandshakeMode.SIMPLE);
    private final Mode mode;
    private final RtmpUrl url;
    private final Consumer<FlvTag> sink;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile int streamId;
    private volatile Runnable onWritable = () -> { };

    ClientSession(Mode mode, RtmpUrl url, Consumer<FlvTag> sink) {
        this.mode = mode;
        this.url = url;
        this.sink = sink;
    }

    @Override
    protected byte[] handshakeStart() {
        return handshake.start();
    }

    @Override
    protected Step handshake(ByteBuf in) throws RtmpException {
        HandshakeStep s = handshake.feed(in);
        return new Step(s.toSend(), s.done());
    }

    @Override
    protected void onHandshakeDone() {
        send(new WindowAckSize(WINDOW).encode());
        sendChunkSize(CHUNK_SIZE);
        sendCommand(ConnectRequest.of(TXN_CONNECT, url.app(), url.tcUrl()).toCommand(), 0);
    }

    @Override
    protected void onCommand(Command c, int msgStreamId) throws RtmpException {
        if (c.is(Command.ERROR)) {
            Status s = NetConnection.statusOf(c);
            throw new RtmpException(RtmpException.Reason.PROTOCOL, "server refused: " + s.code() + " " + s.description());
        }
        if (c.is(Command.RESULT)) {
            if (c.transactionId() == TXN_CONNECT) {
                if (mode == Mode.PUBLISH) {
                    sendCommand(NetConnection.releaseStream(2, url.key()), 0);
                    sendCommand(NetConnection.fcPublish(3, url.key()), 0);
                }
                sendCommand(NetConnection.createStream(TXN_CREATE_STREAM), 0);
            } else if (c.transactionId() == TXN_CREATE_STREAM) {
                streamId = NetConnection.streamIdOf(c);
                if (mode == Mode.PUBLISH) {
                    sendCommand(new PublishRequest(TXN_PUBLISH, url.key(), PublishRequest.LIVE).toCommand(), streamId);
                } else {
                    sendCommand(new PlayRequest(0, url.key(), PlayRequest.START_ANY).toCommand(), streamId);
                    // no client-side buffer: live means show it now
                    send(new UserControl.SetBufferLength(streamId, 0).encode());
                }
            }
            return;
        }
        if (c.is(NetStream.ON_STATUS)) {
            Status s = NetStream.statusOf(c);
            if (s.isError()) {
                throw new RtmpException(RtmpException.Reason.PROTOCOL, "server said " + s.code() + ": " + s.description());
            }
            switch (s.code()) {
                case Status.PUBLISH_START, Status.PLAY_START -> ready.complete(null);
                case Status.PLAY_STOP, Status.PLAY_UNPUBLISH_NOTIFY, Status.UNPUBLISH_SUCCESS -> closeAfterFlush();
                default -> { }
            }
        }
        // onBWDone, onFCPublish, close... need no answer
    }

    @Override
    protected void onMessage(RtmpMessage m) throws RtmpException {
        if (mode != Mode.PLAY) {
            return;
        }
        int type = m.typeId();
        if (type == RtmpMessage.Type.AUDIO || type == RtmpMessage.Type.VIDEO) {
            if (m.payload().length > 0) {
                sink.accept(new FlvTag(type, m.timestamp(), m.payload()));
            }
        } else if (type == RtmpMessage.Type.DATA_AMF0 || type == RtmpMessage.Type.DATA_AMF3) {
            FlvTag script = Metadata.toFlvTag(m);
            if (Metadata.isOnMetaData(script.body())) {
                sink.accept(script);
            }
            // |RtmpSampleAccess and other handlers are for Flash players
        }
    }

    /** Publish mode: one tag to the server; false while the socket is backed up (the caller skips, not buffers). */
    boolean offer(FlvTag tag) {
        return offerTag(tag, streamId, true);
    }

    /** Publish mode: unpublish and close after what is queued was written. */
    void finish() {
        if (channel == null) {
            return;
        }
        sendCommand(NetConnection.fcUnpublish(6, url.key()), 0);
        sendCommand(NetConnection.deleteStream(7, streamId), 0);
        closeAfterFlush();
    }

    void onWritable(Runnable r) {
        onWritable = r;
    }

    long bytesBeforeUnwritable() {
        return channel == null ? 0 : channel.bytesBeforeUnwritable();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            onWritable.run();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    protected void onClosed(Throwable cause) {
        if (cause != null) {
            ready.completeExceptionally(cause);
            closed.completeExceptionally(cause);
        } else {
            ready.completeExceptionally(new RtmpException(RtmpException.Reason.PROTOCOL, "the server closed the connection"));
            closed.complete(null);
        }
    }
}
