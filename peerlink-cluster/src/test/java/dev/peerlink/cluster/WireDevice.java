package dev.peerlink.cluster;

import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.protocol.SignallingCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A device speaking the signalling protocol itself (JDK WebSocket), to see the server's exact answers: the
 * registration error the SDK would retry, and brokering without a ladder behind it (the latency benchmark).
 */
final class WireDevice implements WebSocket.Listener, AutoCloseable {
    private static final SignallingCodec CODEC = SignallingCodec.standard();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final DeviceId id;
    private final KeyPair key;
    private final BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;

    WireDevice(String id) throws Exception {
        this.id = new DeviceId(id);
        this.key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    /**
     * Connects to {@code url} (leaving an earlier connection to the server, which replaces it), answers the challenge,
     * and returns the server's answer to the registration (registered or error).
     */
    Message register(String url, Aliases aliases) throws Exception {
        ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(url), this).get(5, TimeUnit.SECONDS);
        Message.Challenge challenge = next(Message.Challenge.class, Duration.ofSeconds(5));
        String signature = Ed25519.signRegistration(key.getPrivate(), Ed25519.unb64(challenge.nonce()), id);
        send(new Message.Register("reg", id, Ed25519.encodePublicKey(key.getPublic()), signature, aliases, null, NetworkInfo.EMPTY));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            // what the earlier connection hears (its replacement) is not the answer
            Message m = next(Message.class, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (m instanceof Message.Registered || m instanceof Message.Error e && "reg".equals(e.rid())) {
                return m;
            }
        }
    }

    void send(Message m) {
        ws.sendText(CODEC.encode(m), true).join();
    }

    /** The next message of {@code type} (others before it are dropped). */
    <T extends Message> T next(Class<T> type, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Message m = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError(id + ": no " + type.getSimpleName() + " within " + within);
            }
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                inbox.add(CODEC.decode(partial.toString()));
            } catch (ProtocolException e) {
                throw new IllegalStateException(e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public void close() {
        if (ws != null) {
            ws.abort();
        }
    }
}
