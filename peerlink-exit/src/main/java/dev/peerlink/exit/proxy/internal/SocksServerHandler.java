package dev.peerlink.exit.proxy.internal;

import dev.peerlink.exit.proxy.internal.Destinations.SocksAddress;
import dev.peerlink.exit.wire.ExitError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * One SOCKS5 client connection's handshake (RFC 1928, RFC 1929), on Netty's SOCKS5 codec: method selection, optional
 * username/password, then CONNECT (a flow through the exit, relayed by {@link FlowRelay}) or UDP ASSOCIATE
 * ({@link SocksUdpRelay}); BIND is refused. Each phase swaps in the next decoder under its own name, so bytes a
 * client sends ahead of a reply reach the right decoder.
 */
final class SocksServerHandler extends ChannelInboundHandlerAdapter {
    static final String ENCODER = "socks-encoder";
    static final String GREETING = "socks-greeting";
    private static final String AUTH = "socks-auth";
    private static final String COMMAND = "socks-command";
    /** Client bytes held after CONNECT and before the reply (optimistic data such as a TLS ClientHello). */
    private static final int MAX_EARLY = 64 * 1024;

    private enum State { GREETING, AUTH, COMMAND, DIALING, ASSOCIATING, ASSOCIATED, DONE }

    private final ProxyContext px;
    private final Transport transport;
    private State state = State.GREETING;
    private CompositeByteBuf early;
    private boolean clientEnded;

    SocksServerHandler(ProxyContext px, Transport transport) {
        this.px = px;
        this.transport = transport;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case Socks5InitialRequest r when state == State.GREETING -> greeting(ctx, r);
                case Socks5PasswordAuthRequest r when state == State.AUTH -> auth(ctx, r);
                case Socks5CommandRequest r when state == State.COMMAND -> command(ctx, r);
                case ByteBuf b when state == State.DIALING -> keepEarly(ctx, b);
                // bytes on a UDP association's control connection, or after a refusal: ignored (RFC 1928 §7)
                default -> { }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void greeting(ChannelHandlerContext ctx, Socks5InitialRequest r) {
        if (r.decoderResult().isFailure()) {
            close(ctx); // not SOCKS5 (or not SOCKS at all): there is no reply a client of another version would read
            return;
        }
        Socks5AuthMethod wanted = px.credentials() == null ? Socks5AuthMethod.NO_AUTH : Socks5AuthMethod.PASSWORD;
        if (!r.authMethods().contains(wanted)) {
            refuse(ctx, new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED));
            return;
        }
        ctx.writeAndFlush(new DefaultSocks5InitialResponse(wanted));
        if (wanted == Socks5AuthMethod.PASSWORD) {
            state = State.AUTH;
            ctx.pipeline().replace(GREETING, AUTH, new Socks5PasswordAuthRequestDecoder());
        } else {
            state = State.COMMAND;
            ctx.pipeline().replace(GREETING, COMMAND, new Socks5CommandRequestDecoder());
        }
    }

    private void auth(ChannelHandlerContext ctx, Socks5PasswordAuthRequest r) {
        if (r.decoderResult().isFailure() || !ProxyAuth.matches(px.credentials(), r.username(), r.password())) {
            refuse(ctx, new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE));
            return;
        }
        ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
        state = State.COMMAND;
        ctx.pipeline().replace(AUTH, COMMAND, new Socks5CommandRequestDecoder());
    }

    private void command(ChannelHandlerContext ctx, Socks5CommandRequest r) {
        if (r.decoderResult().isFailure()) {
            refuse(ctx, failure(Socks5CommandStatus.FAILURE));
            return;
        }
        if (r.type() == Socks5CommandType.CONNECT) {
            connect(ctx, r);
        } else if (r.type() == Socks5CommandType.UDP_ASSOCIATE) {
            associate(ctx, r);
        } else {
            refuse(ctx, failure(Socks5CommandStatus.COMMAND_UNSUPPORTED));
        }
    }

    private void connect(ChannelHandlerContext ctx, Socks5CommandRequest r) {
        // DOMAIN addresses stay names: the exit resolves them (socks5h)
        if (!Destinations.valid(r.dstAddr(), r.dstPort())) {
            refuse(ctx, failure(Socks5CommandStatus.ADDRESS_UNSUPPORTED));
            return;
        }
        state = State.DIALING;
        HandshakeDeadline.lift(ctx.pipeline()); // the dial has its own timeout
        // Reading goes on while dialing, to notice a client that gives up; data and EOF sent right behind the
        // request are kept for the flow.
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        FlowDial.open(px, ctx.channel(), r.dstAddr(), r.dstPort(), new FlowDial.Outcome() {
            @Override
            public void opened(TrackedFlow flow) {
                established(ctx, flow);
            }

            @Override
            public void failed(ExitError error) {
                refuse(ctx, failure(Socks5CommandStatus.valueOf((byte) error.socksReply())));
            }
        });
        ctx.pipeline().remove(COMMAND); // bytes after the request now come here, kept for the flow
    }

    private void established(ChannelHandlerContext ctx, TrackedFlow flow) {
        state = State.DONE;
        SocksAddress bound = Destinations.bound(flow.bound());
        ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, bound.type(), bound.host(), bound.port()));
        ChannelPipeline p = ctx.pipeline();
        p.remove(ENCODER);
        ByteBuf first = early;
        early = null;
        p.addLast("relay", new FlowRelay(px, flow, FlowRelay.Ending.HALF_CLOSE, first, clientEnded));
        p.remove(this);
    }

    private void associate(ChannelHandlerContext ctx, Socks5CommandRequest r) {
        state = State.ASSOCIATING;
        HandshakeDeadline.lift(ctx.pipeline());
        ctx.pipeline().remove(COMMAND);
        SocksUdpRelay.open(px, transport, ctx.channel(), r.dstPort(), (relayAddress, error) -> {
            if (error != null) {
                refuse(ctx, failure(Socks5CommandStatus.valueOf((byte) error.socksReply())));
                return;
            }
            state = State.ASSOCIATED;
            SocksAddress a = Destinations.of(relayAddress);
            ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, a.type(), a.host(), a.port()));
        });
    }

    private void keepEarly(ChannelHandlerContext ctx, ByteBuf b) {
        if (early == null) {
            early = ctx.alloc().compositeBuffer();
        }
        early.addComponent(true, b.retain());
        if (early.readableBytes() >= MAX_EARLY) {
            ctx.channel().config().setAutoRead(false); // enough held: the relay reads on once the flow is open
        }
    }

    private static DefaultSocks5CommandResponse failure(Socks5CommandStatus status) {
        return new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4);
    }

    /** Sends the refusal the client expects at this phase, then closes. */
    private void refuse(ChannelHandlerContext ctx, Object reply) {
        state = State.DONE;
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    private void close(ChannelHandlerContext ctx) {
        state = State.DONE;
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (state == State.DIALING && early != null) {
                clientEnded = true; // data then EOF sent ahead of the reply: both go to the flow
            } else {
                // EOF with nothing to deliver (a client that gave up while dialing), on a UDP control connection,
                // or after a refusal: the connection is over
                ctx.close();
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseEarly();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseEarly();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void releaseEarly() {
        if (early != null) {
            early.release();
            early = null;
        }
    }
}
