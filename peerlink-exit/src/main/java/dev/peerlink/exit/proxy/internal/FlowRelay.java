package dev.peerlink.exit.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The last handler of an established connection: relays bytes between the client channel and an exit flow, whose
 * blocking streams are served by one virtual thread per direction. Both directions are bounded: the channel stops
 * being read while too much waits for the flow, and the flow stops being read while the channel is not writable.
 *
 * <p>Client EOF half-closes the flow; flow EOF half-closes the channel ({@link Ending#HALF_CLOSE}, tunnels) or ends
 * the connection ({@link Ending#CLOSE_AFTER_RESPONSE}, forwarded HTTP requests). The flow is closed whenever the
 * channel closes, and the channel whenever the flow fails.
 */
final class FlowRelay extends ChannelInboundHandlerAdapter {
    enum Ending { HALF_CLOSE, CLOSE_AFTER_RESPONSE }

    private final ProxyContext px;
    private final TrackedFlow flow;
    private final Ending ending;
    private final ByteBuf early;
    private final boolean clientEnded;
    private final AtomicInteger halvesDone = new AtomicInteger();
    private Channel channel;
    private UpstreamPump upstream;
    private DownstreamPump downstream;

    /**
     * @param early       client bytes that arrived before the flow opened (sent first; ownership passes), or null
     * @param clientEnded whether the client already sent EOF (after {@code early})
     */
    FlowRelay(ProxyContext px, TrackedFlow flow, Ending ending, ByteBuf early, boolean clientEnded) {
        this.px = px;
        this.flow = flow;
        this.ending = ending;
        this.early = early;
        this.clientEnded = clientEnded;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (!channel.isActive()) {
            ReferenceCountUtil.release(early);
            flow.close();
            return;
        }
        channel.closeFuture().addListener(f -> stop());
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        upstream = new UpstreamPump(px, flow, channel, this);
        downstream = new DownstreamPump(px, flow, channel, this);
        Thread.ofVirtual().name("proxy-up-" + channel.id().asShortText()).start(upstream);
        Thread.ofVirtual().name("proxy-down-" + channel.id().asShortText()).start(downstream);
        resumeReading(channel); // the read happens on a later loop turn: the early bytes below go first
        if (early != null && early.isReadable()) {
            upstream.offer(early); // may pause reading again, if there is that much
        } else {
            ReferenceCountUtil.release(early);
        }
        if (clientEnded) {
            upstream.finish();
        }
    }

    /**
     * Reads the channel again, unless its input is already shut down: the client has nothing more to send, and
     * asking the transport to read a shut-down input fails (epoll no longer watches it).
     */
    static void resumeReading(Channel channel) {
        if (!(channel instanceof DuplexChannel d && d.isInputShutdown())) {
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b && upstream != null && b.isReadable()) {
            upstream.offer(b);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && upstream != null) {
            upstream.finish();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (downstream != null) {
            downstream.wake();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void stop() {
        flow.close();
        if (upstream != null) {
            upstream.stop();
        }
        if (downstream != null) {
            downstream.wake();
        }
    }

    /** Called by the upstream pump once the flow's output is half-closed after client EOF. */
    void upstreamDone() {
        halfDone();
    }

    /** Called by the downstream pump at flow EOF: flush what is queued, then end the client's half (or all). */
    void downstreamDone() {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (!f.isSuccess() || ending == Ending.CLOSE_AFTER_RESPONSE || !(channel instanceof DuplexChannel duplex)) {
                channel.close();
                return;
            }
            duplex.shutdownOutput().addListener(s -> halfDone());
        });
    }

    /** Either side failed: end the connection (and with it the flow). */
    void fail() {
        channel.close();
    }

    private void halfDone() {
        if (halvesDone.incrementAndGet() == 2) {
            channel.close();
        }
    }
}
