package dev.peerlink.rtmp.server;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.command.Command;
import dev.peerlink.rtmp.command.ConnectRequest;
import dev.peerlink.rtmp.command.DataMessage;
import dev.peerlink.rtmp.command.Metadata;
import dev.peerlink.rtmp.command.NetConnection;
import dev.peerlink.rtmp.command.NetStream;
import dev.peerlink.rtmp.command.PlayRequest;
import dev.peerlink.rtmp.command.PublishRequest;
import dev.peerlink.rtmp.command.Status;
import dev.peerlink.rtmp.control.SetPeerBandwidth;
import dev.peerlink.rtmp.control.UserControl;
import dev.peerlink.rtmp.control.WindowAckSize;
import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.rtmp.handshake.HandshakeServer;
import dev.peerlink.rtmp.handshake.HandshakeStep;
import dev.peerlink.rtmp.internal.RtmpChannel;
import dev.peerlink.rtmp.live.LiveHub;
import dev.peerlink.rtmp.live.LivePublisher;
import dev.peerlink.rtmp.live.LiveSink;
import dev.peerlink.rtmp.live.PublishResult;
import dev.peerlink.rtmp.live.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one RTMP connection: answers connect, createStream, publish and play, moves a publisher's media
 * into the live hub and a player's out of it. Stream ids: one NetStream per connection (id 1), which is all that
 * publishers and players use in practice.
 */
final class ServerSession extends RtmpChannel {
    private static final Logger LOG = LoggerFactory.getLogger(ServerSession.class);
    private static final int STREAM_ID = 1;

    private final HandshakeServer handshake = new HandshakeServer();
    private final LiveHub hub;
    private final RtmpServerPolicy policy;
    private final RtmpServer.Listener listener;
    private String app;
    private LivePublisher publisher;
    private String publishedKey;
    private Subscription subscription;

    private final dev.peerlink.rtmp.live.LiveOptions.StartMode startMode;

    ServerSession(LiveHub hub, RtmpServerPolicy policy, RtmpServer.Listener listener,
                  dev.peerlink.rtmp.live.LiveOptions.StartMode startMode) {
        this.startMode = startMode;
        this.hub = hub;
        this.policy = policy;
        this.listener = listener;
    }

    @Override
    protected Step handshake(ByteBuf in) throws RtmpException {
        HandshakeStep s = handshake.feed(in);
        return new Step(s.toSend(), s.done());
    }

    @Override
    protected void onHandshakeDone() {
        // nothing until the client's connect
    }

    private InetSocketAddress remote() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    @Override
    protected void onCommand(Command c, int streamId) throws RtmpException {
        switch (c.name()) {
            case ConnectRequest.NAME -> {
                ConnectRequest r = ConnectRequest.from(c);
                app = r.app();
                send(new WindowAckSize(WINDOW).encode());
                send(new SetPeerBandwidth(WINDOW, SetPeerBandwidth.LimitType.DYNAMIC).encode());
                sendChunkSize(CHUNK_SIZE);
                sendCommand(NetConnection.connectSuccess(c.transactionId()), 0);
            }
            case NetConnection.RELEASE_STREAM, NetConnection.FC_UNPUBLISH -> answer(c);
            case NetConnection.FC_PUBLISH -> {
                answer(c);
                sendCommand(NetStream.onFcPublish(c.args().isEmpty() ? "" : String.valueOf(c.args().get(0))), 0);
            }
            case NetConnection.CREATE_STREAM -> sendCommand(NetConnection.createStreamResult(c.transactionId(), STREAM_ID), 0);
            case PublishRequest.NAME -> publish(PublishRequest.from(c));
            case PlayRequest.NAME -> play(PlayRequest.from(c));
            case NetConnection.DELETE_STREAM, "closeStream" -> stop();
            default -> {
                if (c.transactionId() > 0) { // answer what we don't know, so a client never waits forever
                    answer(c);
                }
            }
        }
    }

    private void answer(Command c) {
        if (c.transactionId() > 0) {
            sendCommand(NetConnection.result(c.transactionId(), (Object) null), 0);
        }
    }

    private String hubKey(String name) {
        return (app == null ? "" : app) + "/" + streamName(name);
    }

    /** A stream name may carry a query ("key?token=…", as OBS and ffmpeg pass parameters); the key is before it. */
    private static String streamName(String name) {
        int q = name.indexOf('?');
        return q < 0 ? name : name.substring(0, q);
    }

    private void publish(PublishRequest r) {
        String name = streamName(r.name());
        String key = app == null || publisher != null ? null : policy.publishTo(remote(), app, name);
        PublishResult result = key == null ? null : hub.publish(key);
        if (result == null || !result.accepted()) {
            sendCommand(NetStream.onStatus(Status.publishBadName(name)), STREAM_ID);
            closeAfterFlush();
            if (key != null) {
                listener.refused(remote(), key); // admitted by the policy, but the key is busy
            }
            return;
        }
        publisher = result.publisher();
        publishedKey = key;
        send(new UserControl.StreamBegin(STREAM_ID).encode());
        sendCommand(NetStream.onStatus(Status.publishStart(name)), STREAM_ID);
        listener.published(remote(), publishedKey);
    }

    private void play(PlayRequest r) {
        String name = streamName(r.name());
        if (app == null || subscription != null || !policy.mayPlay(remote(), app, name)) {
            sendCommand(NetStream.onStatus(Status.playStreamNotFound(name)), STREAM_ID);
            closeAfterFlush();
            return;
        }
        send(new UserControl.StreamBegin(STREAM_ID).encode());
        sendCommand(NetStream.onStatus(Status.playReset(name)), STREAM_ID);
        sendCommand(NetStream.onStatus(Status.playStart(name)), STREAM_ID);
        send(DataMessage.sampleAccess(true, true).toMessage(STREAM_ID, 0));
        subscription = hub.subscribe(hubKey(name), new PlayerSink(name), startMode);
        listener.playing(remote(), hubKey(name));
    }

    /** Hands the hub's tags to this player; refuses while the socket is backed up, so the hub skips instead of buffering. */
    private final class PlayerSink implements LiveSink {
        private final String name;

        PlayerSink(String name) {
            this.name = name;
        }

        @Override
        public boolean offer(FlvTag tag) {
            return offerTag(tag, STREAM_ID, false);
        }

        @Override
        public void onEnd() {
            send(new UserControl.StreamEof(STREAM_ID).encode());
            sendCommand(NetStream.onStatus(Status.playUnpublishNotify(name)), STREAM_ID);
            closeAfterFlush();
        }
    }

    @Override
    protected void onMessage(RtmpMessage m) throws RtmpException {
        LivePublisher p = publisher;
        if (p == null) {
            return; // media before publish, or from a player: ignore, as servers do
        }
        int type = m.typeId();
        if (type == RtmpMessage.Type.AUDIO || type == RtmpMessage.Type.VIDEO) {
            if (!p.push(new FlvTag(type, m.timestamp(), m.payload()))) {
                LOG.info("publisher of {} was replaced; closing {}", publishedKey, remote());
                fail(null);
            }
        } else if (type == RtmpMessage.Type.DATA_AMF0 || type == RtmpMessage.Type.DATA_AMF3) {
            p.push(Metadata.toFlvTag(m));
        }
        // aggregate messages (22) are not produced by the encoders we serve; ignored
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Subscription s = subscription;
        if (s != null && ctx.channel().isWritable()) {
            s.drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void stop() {
        if (publisher != null) {
            publisher.close();
            sendCommand(NetStream.onStatus(Status.unpublishSuccess(publishedKey)), STREAM_ID);
            listener.unpublished(remote(), publishedKey);
            publisher = null;
        }
        if (subscription != null) {
            subscription.cancel();
            subscription = null;
        }
    }

    @Override
    protected void onClosed(Throwable cause) {
        if (publisher != null) {
            publisher.close();
            listener.unpublished(remote(), publishedKey);
            publisher = null;
        }
        if (subscription != null) {
            subscription.cancel();
            subscription = null;
        }
    }
}
