package dev.peerlink.exit.proxy.internal;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;

/**
 * First handler of every client connection: counts it, remembers it for shutdown, and closes it at once when the
 * proxy already holds its maximum.
 */
@Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private final ProxyContext px;
    private final ChannelGroup connections;

    ConnectionLimiter(ProxyContext px, ChannelGroup connections) {
        this.px = px;
        this.connections = connections;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        connections.add(ctx.channel());
        if (px.openConnections().incrementAndGet() > px.limits().maxConnections()) {
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        px.openConnections().decrementAndGet();
        super.channelInactive(ctx);
    }
}
