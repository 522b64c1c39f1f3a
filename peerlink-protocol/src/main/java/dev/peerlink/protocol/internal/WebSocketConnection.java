package dev.peerlink.protocol.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

/**
 * One client WebSocket opened by {@link WebSocketConnector}. Sends are thread-safe and go out in the order they were
 * called; their futures complete (on the event loop: attach no blocking work) once the bytes are written. Outgoing
 * messages are not queued beyond Netty's write buffer: callers bound what they have in flight (the signalling client
 * sends small requests, the transfer client keeps a byte window of unacknowledged chunks).
 */
public final class WebSocketConnection {
    private final URI uri;
    private final int maxMessageBytes;
    private final long readAheadBytes;
    private final WebSocketListener listener;
    private final Executor callbacks;
    // set by attach, on the event loop, before anything else touches them
    private volatile Channel channel;
    private OrderedDispatch dispatch;
    private final CompletableFuture<WebSocketConnection> opened = new CompletableFuture<>();
    // event loop only
    private boolean open;
    private boolean ended;
    /** Set by {@link #close} and {@link #abort}: the owner knows, so the listener hears nothing more. */
    private volatile boolean closedHere;

    WebSocketConnection(URI uri, WebSocketConnector.Options options, WebSocketListener listener, Executor callbacks) {
        this.uri = uri;
        this.maxMessageBytes = options.maxMessageBytes();
        this.readAheadBytes = options.readAheadBytes();
        this.listener = listener;
        this.callbacks = callbacks;
    }

    /** On the event loop, when the channel is initialised. */
    void attach(Channel ch) {
        dispatch = new OrderedDispatch(ch, callbacks, readAheadBytes);
        channel = ch;
    }

    public URI uri() {
        return uri;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    public CompletableFuture<Void> sendText(String text) {
        return write(new TextWebSocketFrame(text));
    }

    public CompletableFuture<Void> sendBinary(byte[] data) {
        return write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)));
    }

    /** Sends a close frame, then closes the connection without waiting for the server's. */
    public void close(int code, String reason) {
        closedHere = true;
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Closes the connection at once. */
    public void abort() {
        closedHere = true;
        channel.close();
    }

    private CompletableFuture<Void> write(WebSocketFrame frame) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.writeAndFlush(frame).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else {
                done.completeExceptionally(f.cause() instanceof IOException ? f.cause()
                        : new IOException("cannot send on " + uri + ": " + f.cause(), f.cause()));
            }
        });
        return done;
    }

    /** Completes once the upgrade is done (or fails), on the listener's executor, before any message is delivered. */
    CompletableFuture<WebSocketConnection> opened() {
        return opened;
    }

    /** On the event loop (or anywhere when the channel never registered): the TCP connect failed. */
    void connectFailed(Throwable cause) {
        if (channel == null) {
            callbacks.execute(() -> opened.completeExceptionally(cause));
        } else if (!open && !ended) {
            failOpening(cause);
        }
    }

    /** On the event loop: gives up an opening that has not finished. */
    void timeOut(long millis) {
        if (!open && !ended) {
            failOpening(new TimeoutException("opening " + uri + " timed out after " + millis + " ms"));
        }
    }

    private void failOpening(Throwable cause) {
        ended = true;
        channel.close();
        dispatch.submit(0, () -> opened.completeExceptionally(cause));
    }

    private void end(Runnable report) {
        if (!ended) {
            ended = true;
            if (!closedHere) {
                dispatch.submit(0, report);
            }
        }
    }

    private Throwable describe(Throwable cause) {
        if (cause instanceof TooLongFrameException
                || cause instanceof CorruptedWebSocketFrameException c && c.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG) {
            return new IOException("frame larger than " + maxMessageBytes + " bytes", cause);
        }
        return cause;
    }

    /** The pipeline's last handler: handshake events and whole (aggregated) messages from the server. */
    final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE && !ended) {
                open = true;
                dispatch.submit(0, () -> opened.complete(WebSocketConnection.this));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (ended) {
                return;
            }
            switch (frame) {
                case TextWebSocketFrame t -> {
                    String text = t.text();
                    dispatch.submit(t.content().readableBytes(), () -> listener.onText(WebSocketConnection.this, text));
                }
                case BinaryWebSocketFrame b -> {
                    byte[] data = ByteBufUtil.getBytes(b.content());
                    dispatch.submit(data.length, () -> listener.onBinary(WebSocketConnection.this, data));
                }
                case CloseWebSocketFrame c -> {
                    int code = c.statusCode() < 0 ? WebSocketCloseStatus.EMPTY.code() : c.statusCode();
                    String reason = c.reasonText() == null ? "" : c.reasonText();
                    end(() -> listener.onClose(WebSocketConnection.this, code, reason));
                    // answer with the same code, as the JDK client did, then hang up
                    ctx.writeAndFlush(new CloseWebSocketFrame(code == WebSocketCloseStatus.EMPTY.code()
                            ? WebSocketCloseStatus.NORMAL_CLOSURE.code() : code, "")).addListener(ChannelFutureListener.CLOSE);
                }
                default -> { } // pings are answered and pongs dropped by the protocol handler
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable why = describe(cause instanceof io.netty.handler.codec.DecoderException d && d.getCause() != null
                    ? d.getCause() : cause);
            if (!open && !ended) {
                failOpening(why);
            } else {
                end(() -> listener.onError(WebSocketConnection.this, why));
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!open && !ended) {
                failOpening(new IOException("connection to " + uri + " closed during the WebSocket opening"));
            } else {
                end(() -> listener.onError(WebSocketConnection.this, new IOException("connection to " + uri + " lost")));
            }
            super.channelInactive(ctx);
        }
    }
}
