package dev.peerlink.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device that speaks the signalling protocol itself over the JDK's WebSocket client (the peer SDK depends on this
 * module, so its tests cannot use it): registers with a fresh Ed25519 key, brokers sessions, sends sharing messages.
 */
final class DashboardDevice implements WebSocket.Listener, AutoCloseable {
    private static final SignallingCodec CODEC = SignallingCodec.standard();

    final DeviceId id;
    private final BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final AtomicInteger rids = new AtomicInteger();
    private WebSocket ws;

    private DashboardDevice(String id) {
        this.id = new DeviceId(id);
    }

    /** Connects, answers the challenge and waits for {@code registered}. */
    static DashboardDevice register(HttpClient http, String url, String id, NetworkInfo network) throws Exception {
        DashboardDevice d = new DashboardDevice(id);
        d.ws = http.newWebSocketBuilder().buildAsync(URI.create(url), d).get(5, TimeUnit.SECONDS);
        Message.Challenge challenge = d.next(Message.Challenge.class);
        KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String signature = Ed25519.signRegistration(key.getPrivate(), Ed25519.unb64(challenge.nonce()), d.id);
        d.send(new Message.Register("r0", d.id, Ed25519.encodePublicKey(key.getPublic()), signature, null, null, network));
        d.next(Message.Registered.class);
        return d;
    }

    /** A network report with only the NAT type set (labels as {@code NatType.label()}). */
    static NetworkInfo behind(String natType) {
        return new NetworkInfo(List.of(), null, new NetworkInfo.Nat(natType, null, null, null, null, null), null, List.of());
    }

    String rid() {
        return "r" + rids.incrementAndGet();
    }

    void send(Message m) {
        ws.sendText(CODEC.encode(m), true).join();
    }

    /** Asks the server to broker a session with {@code target} and returns the session id. */
    String connect(DashboardDevice target, String session) {
        send(new Message.Connect(rid(), Identity.device(target.id), session, JsonBlob.EMPTY));
        return session;
    }

    /** Waits for an incoming session and answers it. */
    void answerIncoming(boolean accept) throws Exception {
        Message.Incoming in = next(Message.Incoming.class);
        send(new Message.Answer(rid(), in.session(), accept, JsonBlob.EMPTY, accept ? null : "busy"));
    }

    /** Sends a sharing message and returns the server's reply (ok, error, or a sharing message). */
    Message share(ShareBody body) throws Exception {
        String rid = rid();
        send(ShareCodec.encode(rid, body));
        while (true) {
            Message m = next(Message.class);
            if (rid.equals(ridOf(m))) {
                return m;
            }
        }
    }

    private static String ridOf(Message m) {
        return switch (m) {
            case Message.Ok ok -> ok.rid();
            case Message.Error e -> e.rid();
            case Message.Share s -> s.rid();
            default -> null;
        };
    }

    /** The next message of this type within 5 s; messages of other types before it are dropped. */
    <T extends Message> T next(Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Message m = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertThat(m).as("%s for %s within 5 s", type.getSimpleName(), id).isNotNull();
            if (type.isInstance(m)) {
                return type.cast(m);
            }
            if (m instanceof Message.Error e && type != Message.class) {
                throw new AssertionError(id + " got an error waiting for " + type.getSimpleName() + ": " + e);
            }
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                inbox.add(CODEC.decode(partial.toString()));
            } catch (ProtocolException e) {
                throw new AssertionError("server sent an undecodable frame: " + partial, e);
            } finally {
                partial.setLength(0);
            }
        }
        socket.request(1);
        return null;
    }

    @Override
    public void close() {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
}
