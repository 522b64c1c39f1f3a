package dev.peerlink.server.transfer.internal;

import dev.peerlink.transfer.wire.TransferCodec;
import dev.peerlink.transfer.wire.TransferFrame;
import dev.peerlink.transfer.wire.TransferProtocolException;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transfer WebSocket: decodes binary frames on the event loop and hands them, in order, to a virtual thread
 * that runs the {@link TransferService} (storage work blocks; the event loop must not). Reading pauses while more
 * than {@value #PAUSE_BYTES} bytes wait, so a fast sender cannot fill the heap; downloads wait for writability.
 * A connection must authenticate within {@value #AUTH_TIMEOUT_MS} ms.
 */
public final class TransferChannelHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements TransferConn {
    private static final Logger LOG = LoggerFactory.getLogger(TransferChannelHandler.class);
    static final long PAUSE_BYTES = 16L << 20;
    static final long RESUME_BYTES = 4L << 20;
    static final long AUTH_TIMEOUT_MS = 10_000;

    private final TransferService service;
    private final TransferCodec codec;
    private final byte[] nonce;
    private final LinkedBlockingQueue<TransferFrame> inbox = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final Object writable = new Object();
    private volatile Channel channel;
    private volatile String device;
    private volatile String tierId;
    private Thread worker;

    public TransferChannelHandler(TransferService service, TransferCodec codec) {
        this.service = service;
        this.codec = codec;
        this.nonce = service.newNonce();
    }

    /** True once hello succeeded (the pre-auth frame limit no longer applies). */
    public boolean isAuthenticated() {
        return device != null || tierId != null;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            channel = ctx.channel();
            worker = Thread.ofVirtual().name("transfer-" + ctx.channel().remoteAddress()).start(this::work);
            service.onOpen(this);
            ctx.executor().schedule(() -> {
                if (!isAuthenticated() && ctx.channel().isActive()) {
                    send(Errors.frame(null, "timeout", "no hello in time"));
                    close();
                }
            }, AUTH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (!(frame instanceof BinaryWebSocketFrame)) {
            if (!(frame instanceof CloseWebSocketFrame)) {
                send(Errors.frame(null, "malformed", "the transfer protocol uses binary frames"));
                close();
            }
            return;
        }
        TransferFrame f;
        try {
            f = codec.decode(ByteBufUtil.getBytes(frame.content()));
        } catch (TransferProtocolException e) {
            send(Errors.frame(null, "malformed", e.code().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage()));
            close();
            return;
        }
        // pause before queueing: the worker's resume check after this very frame then always sees the pause
        if (queued.addAndGet(f.payload().length) > PAUSE_BYTES) {
            ctx.channel().config().setAutoRead(false);
        }
        inbox.add(f);
    }

    private void work() {
        try {
            while (true) {
                TransferFrame f = inbox.take();
                try {
                    service.onFrame(this, f);
                } finally {
                    long left = queued.addAndGet(-f.payload().length);
                    Channel ch = channel;
                    if (left < RESUME_BYTES && ch != null && !ch.config().isAutoRead()) {
                        ch.eventLoop().execute(() -> ch.config().setAutoRead(true));
                    }
                }
            }
        } catch (InterruptedException e) {
            // connection closed
        } catch (RuntimeException e) {
            LOG.warn("transfer connection {} failed: {}", remote(), e.toString());
            close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        synchronized (writable) {
            writable.notifyAll();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        service.onClose(this);
        if (worker != null) {
            worker.interrupt();
        }
        synchronized (writable) {
            writable.notifyAll();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("transfer connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void send(TransferFrame f) {
        Channel ch = channel;
        if (ch != null) {
            ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(codec.encode(f))), ch.voidPromise());
        }
    }

    @Override
    public void sendPaced(TransferFrame f) throws InterruptedException {
        send(f);
        Channel ch = channel;
        synchronized (writable) {
            while (ch != null && ch.isActive() && !ch.isWritable()) {
                writable.wait(1000); // woken by channelWritabilityChanged; the timeout only re-checks
            }
        }
    }

    @Override
    public void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    @Override
    public byte[] nonce() {
        return nonce;
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public String tierId() {
        return tierId;
    }

    @Override
    public void authenticated(String device, String tierId) {
        this.device = device;
        this.tierId = tierId;
    }

    @Override
    public String remote() {
        Channel ch = channel;
        return ch == null ? "-" : String.valueOf(ch.remoteAddress()) + (device != null ? " (" + device + ")" : "")
                + (tierId != null ? " (tier " + tierId + ")" : "");
    }
}
