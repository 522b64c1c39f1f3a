package dev.peerlink.transfer.client;

import dev.peerlink.transfer.wire.TransferCodec;
import dev.peerlink.transfer.wire.TransferFrame;
import dev.peerlink.transfer.wire.TransferProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One WebSocket to a transfer endpoint ({@code /v1/transfer}) on the JDK client: frames out (sends are
 * queued, the JDK allows one at a time), frames in (reassembled from fragments, decoded). A frame with a
 * {@code rid} we are waiting for completes that request; everything else goes to the push handler, on
 * the WebSocket's thread, in order.
 */
public final class TransferSocket implements AutoCloseable {
    private final TransferCodec codec;
    private final Map<String, CompletableFuture<TransferFrame>> pending = new ConcurrentHashMap<>();
    private final AtomicLong rids = new AtomicLong();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Consumer<TransferFrame> pushes;
    private volatile WebSocket ws;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);

    private TransferSocket(TransferCodec codec, Consumer<TransferFrame> pushes) {
        this.codec = codec;
        this.pushes = pushes;
    }

    /** Opens the socket; {@code pushes} receives frames that answer no request (the first is the server's {@code auth}). */
    public static TransferSocket open(HttpClient http, URI uri, TransferCodec codec, Duration timeout, Consumer<TransferFrame> pushes)
            throws IOException {
        TransferSocket s = new TransferSocket(codec, pushes);
        try {
            s.ws = http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, s.new Listener())
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("cannot open " + uri + ": " + rootMessage(e), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("cannot open " + uri + ": timed out" + dev.peerlink.protocol.CommonPoolCheck.starvationHint());
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

    /** Sends a frame; completes when the JDK has taken it (queued behind earlier sends). */
    public synchronized CompletableFuture<Void> send(TransferFrame f) {
        if (closed.isDone()) {
            return CompletableFuture.failedFuture(new IOException("transfer connection closed"));
        }
        ByteBuffer bytes = ByteBuffer.wrap(codec.encode(f));
        CompletableFuture<Void> next = sendChain.handle((r, e) -> null)
                .thenCompose(x -> ws.sendBinary(bytes, true)).thenApply(w -> null);
        sendChain = next;
        return next;
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
        WebSocket w = ws;
        if (w != null) {
            w.abort();
        }
        gone(null);
    }

    private final class Listener implements WebSocket.Listener {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (partial.size() > codec.maxFrame()) {
                webSocket.abort();
                gone(new IOException("frame larger than " + codec.maxFrame() + " bytes"));
                return null;
            }
            if (last) {
                byte[] frame = partial.toByteArray();
                partial.reset();
                try {
                    dispatch(codec.decode(frame));
                } catch (TransferProtocolException e) {
                    webSocket.abort();
                    gone(new IOException("malformed frame from server: " + e.getMessage()));
                    return null;
                } catch (RuntimeException e) {
                    webSocket.abort();
                    gone(e);
                    return null;
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            webSocket.abort(); // the protocol has no text frames
            gone(new IOException("text frame from server"));
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            gone(new IOException("closed by server (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
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
