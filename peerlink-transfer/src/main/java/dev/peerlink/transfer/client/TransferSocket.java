package dev.peerlink.transfer.client;

import dev.peerlink.protocol.internal.WebSocketConnection;
import dev.peerlink.protocol.internal.WebSocketConnector;
import dev.peerlink.protocol.internal.WebSocketListener;
import dev.peerlink.transfer.wire.TransferCodec;
import dev.peerlink.transfer.wire.TransferFrame;
import dev.peerlink.transfer.wire.TransferProtocolException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * One WebSocket to a transfer endpoint ({@code /v1/transfer}) on the SDK's shared Netty connector
 * ({@link WebSocketConnector}): frames out (in call order), frames in (reassembled from fragments, decoded). A frame
 * with a {@code rid} we are waiting for completes that request; everything else goes to the push handler, on the
 * connector's callback threads, one at a time and in order. A push handler may block: reading pauses behind it.
 */
public final class TransferSocket implements AutoCloseable {
    /** Received frames that may wait for a busy push handler before reading pauses (beside the one it holds). */
    private static final long READ_AHEAD_BYTES = 4 << 20;

    private final TransferCodec codec;
    private final Map<String, CompletableFuture<TransferFrame>> pending = new ConcurrentHashMap<>();
    private final AtomicLong rids = new AtomicLong();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Consumer<TransferFrame> pushes;
    private volatile WebSocketConnection ws;

    private TransferSocket(TransferCodec codec, Consumer<TransferFrame> pushes) {
        this.codec = codec;
        this.pushes = pushes;
    }

    /** Opens the socket; {@code pushes} receives frames that answer no request (the first is the server's {@code auth}). */
    public static TransferSocket open(URI uri, SSLContext sslContext, dev.peerlink.protocol.HttpProxy proxy, TransferCodec codec, Duration timeout, Consumer<TransferFrame> pushes)
            throws IOException {
        TransferSocket s = new TransferSocket(codec, pushes);
        WebSocketConnector connector = WebSocketConnector.shared();
        var options = new WebSocketConnector.Options(timeout, codec.maxFrame(), READ_AHEAD_BYTES, sslContext, proxy);
        try {
            s.ws = connector.connect(uri, options, s.new Listener(), connector.callbacks())
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("cannot open " + uri + ": " + rootMessage(e), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("cannot open " + uri + ": timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted opening " + uri);
        }
        return s;
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    public void onPush(Consumer<TransferFrame> handler) {
        this.pushes = handler;
    }

    /** Sends a frame; completes when it is written (after earlier sends: synchronized keeps the call order). */
    public synchronized CompletableFuture<Void> send(TransferFrame f) {
        if (closed.isDone()) {
            return CompletableFuture.failedFuture(new IOException("transfer connection closed"));
        }
        return ws.sendBinary(codec.encode(f));
    }

    /** Sends a request (a fresh rid is set) and waits for its answer; an {@code error} answer is a {@link TransferException}. */
    public TransferFrame request(TransferFrame f, Duration timeout) throws IOException {
        String rid = Long.toString(rids.incrementAndGet());
        f.with("rid", rid);
        CompletableFuture<TransferFrame> answer = new CompletableFuture<>();
        pending.put(rid, answer);
        try {
            send(f);
            TransferFrame r = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r.type().equals("error")) {
                throw error(r);
            }
            return r;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? new IOException(io.getMessage(), io) : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no answer to " + f.type() + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + f.type());
        } finally {
            pending.remove(rid);
        }
    }

    public static TransferException error(TransferFrame r) {
        return new TransferException(r.header().path("code").asText("error"), r.header().path("message").asText(""));
    }

    /** Completes (normally) when the connection is gone, for whatever reason. */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    private void gone(Throwable why) {
        if (closed.complete(null)) {
            IOException e = new IOException("transfer connection lost" + (why != null ? ": " + rootMessage(why) : ""));
            pending.values().forEach(p -> p.completeExceptionally(e));
        }
    }

    @Override
    public void close() {
        WebSocketConnection w = ws;
        if (w != null) {
            w.abort();
        }
        gone(null);
    }

    /** Called on the connector's callback threads, one at a time, in arrival order. */
    private final class Listener implements WebSocketListener {
        @Override
        public void onBinary(WebSocketConnection webSocket, byte[] frame) {
            if (closed.isDone()) {
                return;
            }
            try {
                dispatch(codec.decode(frame));
            } catch (TransferProtocolException e) {
                webSocket.abort();
                gone(new IOException("malformed frame from server: " + e.getMessage()));
            } catch (RuntimeException e) {
                webSocket.abort();
                gone(e);
            }
        }

        @Override
        public void onText(WebSocketConnection webSocket, String data) {
            webSocket.abort(); // the protocol has no text frames
            gone(new IOException("text frame from server"));
        }

        @Override
        public void onClose(WebSocketConnection webSocket, int statusCode, String reason) {
            gone(new IOException("closed by server (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")"));
        }

        @Override
        public void onError(WebSocketConnection webSocket, Throwable error) {
            gone(error);
        }
    }

    private void dispatch(TransferFrame f) {
        String rid = f.rid();
        CompletableFuture<TransferFrame> waiter = rid == null ? null : pending.get(rid);
        if (waiter != null) {
            waiter.complete(f);
        } else {
            Consumer<TransferFrame> p = pushes;
            if (p != null) {
                p.accept(f);
            }
        }
    }
}
