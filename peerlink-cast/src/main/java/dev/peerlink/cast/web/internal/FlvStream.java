package dev.peerlink.cast.web.internal;

import dev.peerlink.cast.web.Subscription;
import dev.peerlink.cast.web.TagFeed;
import dev.peerlink.cast.web.TagSubscriber;
import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.rtmp.flv.FlvWriter;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * One HTTP-FLV viewer: the FLV header, then each tag the feed offers as one chunk. A tag is refused (and the feed
 * skips this viewer to the next key frame) while the channel is over its write-buffer high-water mark, so a viewer
 * that stops reading holds at most that much memory here.
 */
public final class FlvStream implements TagSubscriber {
    private final Channel channel;

    private FlvStream(Channel channel) {
        this.channel = channel;
    }

    /** Writes the response head and FLV header on {@code channel} and subscribes; unsubscribes when it closes. */
    public static void start(Channel channel, TagFeed feed, Runnable onClose) {
        channel.write(Responses.streamHead("video/x-flv"));
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(FlvWriter.header(false, true))));
        Subscription s = feed.subscribe(new FlvStream(channel));
        channel.closeFuture().addListener(f -> {
            s.close();
            onClose.run();
        });
    }

    @Override
    public boolean offer(FlvTag tag) {
        if (!channel.isActive() || !channel.isWritable()) {
            return false;
        }
        // pending bytes are counted at submit time, so isWritable() turns false even before the event loop runs
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(FlvWriter.tag(tag))), channel.voidPromise());
        return true;
    }

    @Override
    public void end() {
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }
}
