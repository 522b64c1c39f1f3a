package dev.peerlink.secure.internal;

import dev.peerlink.secure.SecureStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A {@link SecureStream} over one Netty QUIC stream channel: blocking streams bridged to the event loop. */
final class QuicSecureStream implements SecureStream {
    /** Stop reading from QUIC (and so stop granting flow-control credit) above this many buffered bytes. */
    private static final int HIGH_WATER = 1 << 20;
    private static final int LOW_WATER = 256 << 10;
    private static final int MAX_WRITE = 64 << 10;
    /** Largest array handed to the reader at once (a long burst is cut so the throttle sees it in time). */
    private static final int MAX_BURST = 256 << 10;
    static final int RESET_CODE = 1;

    private final QuicStreamChannel ch;
    private final ByteInbox inbox;
    private final ReadThrottle throttle;
    private final Out out = new Out();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Condition writable = writeLock.newCondition();
    private volatile IOException writeFailure;

    QuicSecureStream(QuicStreamChannel ch) {
        this.ch = ch;
        this.inbox = new ByteInbox(n -> consumed(), () -> ch.shutdownInput(RESET_CODE));
        this.throttle = new ReadThrottle(ch.config(), inbox::buffered, HIGH_WATER, LOW_WATER);
    }

    /** The handler to put in the stream channel's pipeline. */
    ChannelInboundHandlerAdapter handler() {
        return new Handler();
    }

    @Override
    public long id() {
        return ch.streamId();
    }

    @Override
    public InputStream input() {
        return inbox.stream();
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public void reset() {
        out.closed = true;
        inbox.fail(new IOException("stream reset locally"));
        ch.shutdown(RESET_CODE).addListener(f -> ch.close());
    }

    @Override
    public void close() {
        out.close();
        try {
            inbox.stream().close();
        } catch (IOException ignored) {
            // ByteInbox never throws on close
        }
    }

    private void consumed() {
        throttle.consumed();
    }

    private void signalWriters() {
        writeLock.lock();
        try {
            writable.signalAll();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Received chunks are held until the read burst ends and then handed to the reader as one array: one wake-up of
     * the reading thread per burst instead of one per QUIC packet (the futex round trips showed up in the profile).
     */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final java.util.ArrayList<ByteBuf> burst = new java.util.ArrayList<>();
        private int burstBytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                burst.add(buf);
                burstBytes += buf.readableBytes();
                if (burstBytes >= MAX_BURST) {
                    deliver();
                }
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            deliver();
            ctx.fireChannelReadComplete();
        }

        private void deliver() {
            if (burst.isEmpty()) {
                return;
            }
            byte[] data = new byte[burstBytes];
            int at = 0;
            for (ByteBuf b : burst) {
                int n = b.readableBytes();
                b.readBytes(data, at, n);
                at += n;
                b.release();
            }
            burst.clear();
            burstBytes = 0;
            throttle.received(inbox.offer(data));
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            burst.forEach(ByteBuf::release);
            burst.clear();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                deliver(); // data before the FIN first
                inbox.finish();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            signalWriters();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            deliver();
            inbox.fail(new IOException("stream closed before end of stream"));
            if (writeFailure == null) {
                writeFailure = new IOException("stream closed");
            }
            signalWriters();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            IOException e = cause instanceof IOException io ? io : new IOException(cause);
            inbox.fail(e);
            writeFailure = e;
            signalWriters();
        }
    }

    private final class Out extends OutputStream {
        volatile boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                awaitWritable();
                int n = Math.min(len, MAX_WRITE);
                ByteBuf buf = ch.alloc().directBuffer(n).writeBytes(b, off, n);
                ch.writeAndFlush(buf).addListener(f -> {
                    if (!f.isSuccess() && writeFailure == null) {
                        writeFailure = f.cause() instanceof IOException io ? io : new IOException(f.cause());
                    }
                });
                off += n;
                len -= n;
            }
        }

        private void awaitWritable() throws IOException {
            writeLock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw new IOException("stream output closed");
                    }
                    IOException f = writeFailure;
                    if (f != null) {
                        throw new IOException(f.getMessage(), f);
                    }
                    if (!ch.isActive()) {
                        throw new IOException("stream closed");
                    }
                    if (ch.isWritable()) {
                        return;
                    }
                    writable.await(500, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            } finally {
                writeLock.unlock();
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (ch.isActive()) {
                ch.writeAndFlush(new DefaultQuicStreamFrame(Unpooled.EMPTY_BUFFER, true));
            }
        }
    }
}
