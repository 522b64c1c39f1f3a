package dev.peerlink.transfer.client;

import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.HttpProxy;
import dev.peerlink.transfer.ChunkingParams;
import dev.peerlink.transfer.ContentId;
import dev.peerlink.transfer.wire.TierProof;
import dev.peerlink.transfer.wire.TransferCodec;
import dev.peerlink.transfer.wire.TransferFrame;
import dev.peerlink.transfer.wire.TransferProtocolException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The SDK's side of deduplicated transfer (docs/transfer.md): one authenticated connection to a server's
 * {@code /v1/transfer} endpoint. {@link #send} offers a content by its manifest, proves possession, uploads
 * only what the server asks for and survives dropped connections and server restarts by resuming the
 * session; {@link #inbox}, {@link #download} and {@link #ack} receive what others sent. Reconnects on its own.
 * Not thread-safe: one caller at a time.
 */
public final class TransferClient implements AutoCloseable {
    public static final String PATH = "/v1/transfer";

    /**
     * Tunables. {@code retryFor}: how long send/download keep reconnecting after a drop. {@code sslContext}: whom to
     * trust for wss:// (a private CA or a server's self-signed certificate); null: the JDK's default trust store.
     * {@code proxy}: an HTTP CONNECT proxy to tunnel through; null: as the environment says ({@code HTTPS_PROXY}...).
     */
    public record Options(Duration requestTimeout, Duration retryFor, int windowBytes, ChunkingParams chunking, int maxPayload,
                          SSLContext sslContext, HttpProxy proxy) {
        public Options(Duration requestTimeout, Duration retryFor, int windowBytes, ChunkingParams chunking, int maxPayload) {
            this(requestTimeout, retryFor, windowBytes, chunking, maxPayload, null, null);
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(60), Duration.ofSeconds(60), 8 << 20, ChunkingParams.DEFAULT, 32 << 20);
        }

        public Options withRetryFor(Duration d) {
            return new Options(requestTimeout, d, windowBytes, chunking, maxPayload, sslContext, proxy);
        }

        public Options withSslContext(SSLContext ctx) {
            return new Options(requestTimeout, retryFor, windowBytes, chunking, maxPayload, ctx, proxy);
        }

        public Options withProxy(HttpProxy p) {
            return new Options(requestTimeout, retryFor, windowBytes, chunking, maxPayload, sslContext, p);
        }
    }

    /** What the server said about itself after authentication. {@code central}: a private tier's central server, or null. */
    public record Welcome(String who, String tier, String serverId, URI central) {}

    /** A content waiting for this device. {@code name} null: a text message. */
    public record InboxItem(long delivery, ContentId contentId, long size, String from, String name, String deliveredBy, int attempts) {}

    private final URI url;
    private final TransferCredentials credentials;
    private final Options options;
    private final TransferCodec codec;
    private final SecureRandom random = new SecureRandom();
    private TransferSocket socket;
    private Welcome welcome;
    private volatile Consumer<TransferFrame> pushHandler;
    private volatile Consumer<InboxItem> live;

    private TransferClient(URI url, TransferCredentials credentials, Options options) {
        this.url = url;
        this.credentials = credentials;
        this.options = options;
        this.codec = new TransferCodec(options.maxPayload());
    }

    /** Connects and authenticates. */
    public static TransferClient connect(URI url, TransferCredentials credentials, Options options) throws IOException {
        TransferClient c = new TransferClient(url, credentials, options);
        c.ensureConnected();
        return c;
    }

    /** {@code host:port} (or a ws:// / wss:// URL, with or without the path) to the transfer endpoint's URL. */
    public static URI endpoint(String server) {
        String s = server.contains("://") ? server : "ws://" + server;
        URI u = URI.create(s);
        String path = u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/") || u.getPath().equals("/v1/signal")
                ? PATH : u.getPath();
        return URI.create(u.getScheme() + "://" + u.getRawAuthority() + path);
    }

    public URI url() {
        return url;
    }

    public Options options() {
        return options;
    }

    public Welcome welcome() {
        return welcome;
    }

    /** Frames the server pushes outside requests ({@code delivery} notices, {@code stored}, {@code data}...). */
    void onPush(Consumer<TransferFrame> handler) {
        this.pushHandler = handler;
    }

    synchronized TransferSocket ensureConnected() throws IOException {
        if (socket != null && socket.isOpen()) {
            return socket;
        }
        CompletableFuture<TransferFrame> auth = new CompletableFuture<>();
        TransferSocket s = TransferSocket.open(url, options.sslContext(), options.proxy(), codec, Duration.ofSeconds(10), f -> {
            if (f.type().equals("auth") && !auth.isDone()) {
                auth.complete(f);
                return;
            }
            Consumer<InboxItem> l = live;
            if (f.type().equals("delivery") && l != null) {
                try {
                    l.accept(item(f.header().path("item"), welcome.tier()));
                } catch (RuntimeException e) {
                    // a listener's failure must not kill the socket's reader
                }
                return;
            }
            Consumer<TransferFrame> h = pushHandler;
            if (h != null) {
                h.accept(f);
            }
        });
        try {
            TransferFrame a = auth.get(10, TimeUnit.SECONDS);
            byte[] nonce = Base64.getUrlDecoder().decode(a.str("nonce"));
            TransferFrame hello = TransferFrame.of("hello");
            byte[] clientNonce = new byte[32];
            if (credentials instanceof TransferCredentials.Device d) {
                hello.with("deviceId", d.id().value()).with("publicKey", d.publicKey())
                        .with("signature", Ed25519.signTransferHello(d.privateKey(), nonce, d.id()));
            } else if (credentials instanceof TransferCredentials.Tier t) {
                random.nextBytes(clientNonce);
                hello.with("tier", t.tierId()).with("nonce", b64(clientNonce))
                        .with("proof", b64(TierProof.tierProof(t.secret(), nonce, t.tierId())));
            }
            TransferFrame w = s.request(hello, options.requestTimeout());
            if (credentials instanceof TransferCredentials.Tier t) {
                byte[] expected = TierProof.centralProof(t.secret(), clientNonce, nonce);
                String proof = w.optStr("proof");
                if (proof == null || !TierProof.matches(expected, Base64.getUrlDecoder().decode(proof))) {
                    s.close();
                    throw new IOException("central server at " + url + " failed to prove the tier secret");
                }
            }
            String central = w.optStr("central");
            welcome = new Welcome(w.str("who"), w.str("tier"), w.str("serverId"), central == null ? null : URI.create(central));
        } catch (TransferProtocolException | IllegalArgumentException e) {
            s.close();
            throw new IOException("bad answer from " + url + ": " + e.getMessage());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            s.close();
            throw new IOException("no auth challenge from " + url);
        } catch (InterruptedException e) {
            s.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        return s;
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** One request on the current connection (reconnecting first if it dropped). */
    public TransferFrame request(TransferFrame f) throws IOException {
        return ensureConnected().request(f, options.requestTimeout());
    }

    /** Sends a frame that has no answer (chunks). */
    CompletableFuture<Void> sendFrame(TransferFrame f) throws IOException {
        return ensureConnected().send(f);
    }

    /** True while the connection is open (a subscription lives as long as its connection: call {@link #inbox} again after a drop). */
    public boolean isConnected() {
        return ensureConnectedQuietly();
    }

    /** True while the current connection is open (never reconnects). */
    synchronized boolean ensureConnectedQuietly() {
        return socket != null && socket.isOpen();
    }

    /** Drops the current connection (the next call reconnects). */
    synchronized void dropConnection() {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }

    /**
     * The connection to send through, as the seed's user picks an icon: {@code "private"} or {@code "central"}. This
     * client when its server is that tier; from a private server, {@code central} opens a new client (same device,
     * same options) to the central server the private one names — the caller closes both.
     *
     * @throws IllegalArgumentException when this server cannot lead to that tier (e.g. private from a central server)
     */
    public TransferClient via(String tier) throws IOException {
        if (tier.equals(welcome.tier())) {
            return this;
        }
        if (tier.equals("central") && welcome.central() != null) {
            return connect(endpoint(welcome.central().toString()), credentials, options);
        }
        throw new IllegalArgumentException("the server at " + url + " is a " + welcome.tier() + " server: no way to the " + tier
                + " tier from it" + (tier.equals("private") ? " (connect to your private server)" : ""));
    }

    /** Sends a file to {@code target} (a device id); its name travels with it. */
    public SendResult send(Path file, String target) throws IOException {
        return new Sender(this).send(Sender.Source.of(file, options.chunking()), target, file.getFileName().toString());
    }

    /** Sends a text message to {@code target}. */
    public SendResult sendText(String text, String target) throws IOException {
        return new Sender(this).send(Sender.Source.of(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), options.chunking()),
                target, null);
    }

    /** What waits for this device here; with {@code live} non-null, new deliveries are pushed to it while connected. */
    public List<InboxItem> inbox(Consumer<InboxItem> live) throws IOException {
        this.live = live;
        TransferFrame r = request(TransferFrame.of("inbox").with("subscribe", live != null));
        List<InboxItem> out = new ArrayList<>();
        for (var n : r.header().path("items")) {
            out.add(item(n, welcome.tier()));
        }
        return out;
    }

    static InboxItem item(com.fasterxml.jackson.databind.JsonNode n, String tier) {
        return new InboxItem(n.path("delivery").asLong(), ContentId.parse(n.path("contentId").asText()), n.path("size").asLong(),
                n.path("from").asText(), n.hasNonNull("name") ? n.path("name").asText() : null, tier, n.path("attempts").asInt());
    }

    /** Downloads, verifies and saves a delivery into {@code dir} (resuming a partial download); not yet acknowledged. */
    public Path download(InboxItem item, Path dir) throws IOException {
        return new Downloader(this).download(item, dir);
    }

    /** Acknowledges a delivery: the server stops offering it. */
    public void ack(long delivery) throws IOException {
        request(TransferFrame.of("ack").with("delivery", delivery));
    }

    @Override
    public synchronized void close() {
        dropConnection();
    }
}
