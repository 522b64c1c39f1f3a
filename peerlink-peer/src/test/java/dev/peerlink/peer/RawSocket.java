package dev.peerlink.peer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare WebSocket for hostile-client tests: sends whatever it is told, records what comes back. */
final class RawSocket implements AutoCloseable {
    final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final WebSocket ws;

    RawSocket(URI uri) throws Exception {
        ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            final StringBuilder sb = new StringBuilder();

            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                sb.append(data);
                if (last) {
                    received.add(sb.toString());
                    sb.setLength(0);
                }
                w.request(1);
                return null;
            }

            public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                closed.complete(code);
                return null;
            }

            public void onError(WebSocket w, Throwable error) {
                closed.complete(-1);
            }
        }).get(5, TimeUnit.SECONDS);
    }

    String next() throws InterruptedException {
        String s = received.poll(5, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("nothing received in 5 s");
        }
        return s;
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    CompletableFuture<WebSocket> trySend(String text) {
        return ws.sendText(text, true);
    }

    void sendBinary(byte[] b) {
        ws.sendBinary(ByteBuffer.wrap(b), true).join();
    }

    @Override
    public void close() {
        ws.abort();
    }
}
