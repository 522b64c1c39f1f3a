package dev.peerlink.peer;

import dev.peerlink.peer.internal.Backoff;
import dev.peerlink.peer.internal.PendingReplies;
import dev.peerlink.peer.internal.RegistrationWaiters;
import dev.peerlink.peer.internal.ServerRotation;
import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.protocol.internal.WebSocketConnection;
import dev.peerlink.protocol.internal.WebSocketConnector;
import dev.peerlink.protocol.internal.WebSocketListener;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's signalling connection (a WebSocket on the SDK's shared Netty event loop, {@link WebSocketConnector}):
 * registers with a signature over the server's challenge, keeps the session alive with heartbeats, and offers the
 * brokering calls. With several servers (or a name with several addresses) it starts at a random one and, when the
 * connection is lost or a server stays silent for three heartbeats, moves to another ({@link ServerRotation}) after an
 * exponential backoff with full jitter, re-registering with the same key, aliases and latest network information;
 * the re-registration listeners then restore what the device keeps at its server (announcements, mappings). All
 * state lives on one scheduler thread; public methods are thread-safe and return futures. Handlers run on that thread and must not block (while one does, the
 * connection stops reading once a little is queued).
 */
public final class SignallingClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SignallingClient.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Errors after which reconnecting cannot help. */
    private static final Set<String> FATAL = Set.of(ErrorCode.KEY_MISMATCH, ErrorCode.BAD_SIGNATURE,
            ErrorCode.ENROLL_REQUIRED, ErrorCode.ALIAS_TAKEN, ErrorCode.REPLACED, ErrorCode.INVALID);

    /** Received messages that may wait for the scheduler thread before the connection stops reading. */
    private static final long READ_AHEAD_BYTES = 1 << 20;

    public enum State { CONNECTING, REGISTERED, BACKING_OFF, FAILED, CLOSED }

    private final ServerRotation rotation;
    private final DeviceIdentity identity;
    private final Aliases aliases;
    private final String enrollToken;
    private final WebSocketConnector.Options wsOptions;
    private final ScheduledExecutorService exec;
    private final boolean ownExecutor;
    private final Backoff backoff;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final SignallingCodec codec = SignallingCodec.standard();

    // confined to exec
    private State state = State.CONNECTING;
    private WebSocketConnection ws;
    /** When the current connection last received anything (System.nanoTime). */
    private long lastHeard;
    private final RegistrationWaiters waiters;
    private volatile URI dialled;
    private int attempt;
    private NetworkInfo network;
    private Message.Registered registered;
    private ScheduledFuture<?> heartbeat;
    private final PendingReplies pending;
    private final PushHandlers handlers = new PushHandlers(this::answer);
    private CompletableFuture<Message.Registered> firstRegistration = new CompletableFuture<>();
    private String fatalCode;

    private SignallingClient(Builder b) {
        if (b.servers == null || b.servers.isEmpty()) {
            throw new NullPointerException("server");
        }
        // behind a given proxy the proxy resolves names: one candidate per server, not per address
        this.rotation = new ServerRotation(b.servers, b.proxy != null ? host -> List.of() : b.resolver,
                b.random != null ? b.random : new java.util.Random());
        this.identity = Objects.requireNonNull(b.identity, "identity");
        this.aliases = b.aliases;
        this.enrollToken = b.enrollToken;
        this.network = b.network;
        this.backoff = new Backoff(b.minBackoff, b.maxBackoff, b.random);
        this.requestTimeout = b.requestTimeout;
        this.connectTimeout = b.connectTimeout;
        this.ownExecutor = b.executor == null;
        this.exec = b.executor != null ? b.executor : java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "peerlink-signal-" + identity.deviceId());
            t.setDaemon(true);
            return t;
        });
        this.waiters = new RegistrationWaiters(exec);
        this.pending = new PendingReplies(exec);
        this.wsOptions = new WebSocketConnector.Options(connectTimeout, SignallingCodec.DEFAULT_MAX_BYTES, READ_AHEAD_BYTES,
                b.sslContext, b.proxy);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The HTTP proxy given to the builder, or null (then {@code HTTPS_PROXY}/{@code HTTP_PROXY} apply per target). */
    public dev.peerlink.protocol.HttpProxy proxy() {
        return wsOptions.proxy();
    }

    /** Connects and registers; the future completes at the first successful registration. */
    public CompletableFuture<Message.Registered> start() {
        exec.execute(this::open);
        return firstRegistration;
    }

    public State state() {
        return call(() -> state);
    }

    /**
     * The server this client is registered at, or connecting or last connected to; null before the first attempt.
     * Does not wait for the client's thread: registration listeners may ask it.
     */
    public URI server() {
        return dialled;
    }

    /** The servers this client moves between, in the order given. */
    public List<URI> servers() {
        return rotation.servers();
    }

    /** The latest {@code registered} answer (STUN, relay credentials, heartbeat), or null. */
    public Message.Registered registration() {
        return call(() -> registered);
    }

    /** Handles connect requests from other devices (pushed by the server). */
    public void onIncoming(Consumer<IncomingRequest> handler) {
        exec.execute(() -> handlers.incoming = Objects.requireNonNull(handler));
    }

    /** Receives signals from the other device of a session. */
    public void onSignal(Consumer<Message.Signal> handler) {
        exec.execute(() -> handlers.signal = Objects.requireNonNull(handler));
    }

    /** Called after every (re-)registration. */
    public void onRegistered(Consumer<Message.Registered> listener) {
        exec.execute(() -> handlers.registered = Objects.requireNonNull(listener));
    }

    /** Also called after every (re-)registration, beside {@link #onRegistered}'s listener (services add theirs). */
    public void addRegisteredListener(Consumer<Message.Registered> listener) {
        handlers.extraRegistered.add(Objects.requireNonNull(listener));
    }

    /**
     * Receives the sharing messages the server sends unasked ({@code share-access}: a requester asks this provider for
     * access). Called on the client's thread: hand long work off.
     */
    public void onShare(Consumer<Message.Share> handler) {
        exec.execute(() -> handlers.share = Objects.requireNonNull(handler));
    }

    /**
     * Sends a sharing request ({@code docs/sharing.md}) and completes with the server's answer ({@code ok}, or the
     * answering sharing message); fails with {@link SignallingException} on an error answer, or a timeout (which
     * includes waiting for a re-registration while the client is between servers: {@code disconnected}).
     */
    public CompletableFuture<Message> share(String kind, JsonBlob body, Duration timeout) {
        CompletableFuture<Message> out = new CompletableFuture<>();
        exec.execute(() -> awaitRegistered(timeout)
                .thenCompose(left -> request(new Message.Share(rid(), kind, body), left))
                .whenComplete((m, e) -> {
                    if (e != null) {
                        out.completeExceptionally(unwrap(e));
                    } else {
                        out.complete(m);
                    }
                }));
        return out;
    }

    /**
     * Receives the server's {@code delivery} notices: transfer content waits for this device (on the server named in
     * the notice, or this one's transfer endpoint). Repeated until the delivery is acknowledged over the transfer
     * protocol, so handlers must tolerate the same id twice. Called on the client's thread: hand long work off.
     */
    public void onDelivery(Consumer<Message.Delivery> handler) {
        exec.execute(() -> handlers.delivery = Objects.requireNonNull(handler));
    }

    /** Receives the mapping monitor's {@code remap} orders (a {@link MappingKeeper} installs itself here). */
    public void onRemap(Consumer<Message.Remap> handler) {
        exec.execute(() -> handlers.remap = Objects.requireNonNull(handler));
    }

    /**
     * Tells the server a monitor probe with {@code nonce} (base64url, from {@link dev.peerlink.protocol.ProbePacket})
     * arrived. Fire and forget: dropped when not registered (the monitor retries).
     */
    public void probeAck(String nonce) {
        Message.ProbeAck ack = new Message.ProbeAck(null, nonce);
        exec.execute(() -> {
            if (state == State.REGISTERED) {
                send(ack);
            }
        });
    }

    /**
     * Tells the server how a ladder this device initiated for {@code session} ended ({@code ladder-report},
     * docs/protocol.md): {@code outcome} {@code connected} with the {@code path} and setup time, or {@code failed} with
     * the failure code as {@code reason}. For the server's metrics only: completes on the server's {@code ok}; fails
     * with {@link SignallingException} when refused, not registered, or sent to an older server
     * ({@code unknown-type}), or with {@link IllegalArgumentException} for values the protocol does not allow. Never
     * retried.
     */
    public CompletableFuture<Void> ladderReport(String session, String outcome, String path, long setupMs, String reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        exec.execute(() -> {
            Message.LadderReport report;
            try {
                report = new Message.LadderReport(rid(), session, outcome, path, setupMs, reason);
            } catch (IllegalArgumentException e) {
                done.completeExceptionally(e);
                return;
            }
            requireRegistered().thenCompose(x -> request(report, requestTimeout)).whenComplete((m, e) -> complete(done, e));
        });
        return done;
    }

    /** The network information last announced (or given to the builder), or null. */
    public NetworkInfo network() {
        return call(() -> network);
    }

    /** Announces new network information (also sent with every re-registration). */
    public CompletableFuture<Void> update(NetworkInfo info) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        exec.execute(() -> {
            network = info;
            if (state != State.REGISTERED) {
                done.complete(null); // goes out with the next registration
                return;
            }
            request(new Message.Update(rid(), info), requestTimeout).whenComplete((m, e) -> complete(done, e));
        });
        return done;
    }

    /**
     * Asks the server to broker a session with {@code target}: the target receives {@code offer}
     * and answers. Completes with the answer (accepted or not); fails with {@link SignallingException}
     * ({@code offline}, {@code unknown-target}, {@code timeout}, ...). Issued while the client is reconnecting, it
     * waits for the re-registration within {@code timeout}, else fails with {@code disconnected}.
     */
    public CompletableFuture<Brokered> connect(Identity target, JsonBlob offer, Duration timeout) {
        return connect(target, newSessionId(), offer, timeout);
    }

    /** As {@link #connect(Identity, JsonBlob, Duration)} with a session id the caller chose ({@link #newSessionId()}). */
    public CompletableFuture<Brokered> connect(Identity target, String session, JsonBlob offer, Duration timeout) {
        CompletableFuture<Brokered> out = new CompletableFuture<>();
        exec.execute(() -> awaitRegistered(timeout)
                .thenCompose(left -> request(new Message.Connect(rid(), target, session, offer), left))
                .whenComplete((m, e) -> {
                    if (e != null) {
                        out.completeExceptionally(unwrap(e));
                    } else if (m instanceof Message.Answered a) {
                        out.complete(new Brokered(a.session(), a.from(), a.accept(), a.answer(), a.reason()));
                    } else {
                        out.completeExceptionally(new SignallingException(ErrorCode.UNEXPECTED, "unexpected " + m.type()));
                    }
                }));
        return out;
    }

    public CompletableFuture<Brokered> connect(Identity target, JsonBlob offer) {
        return connect(target, offer, Duration.ofSeconds(45));
    }

    /** Sends {@code data} to the other device of {@code session}; completes when the server relayed it. */
    public CompletableFuture<Void> signal(String session, dev.peerlink.protocol.DeviceId to, JsonBlob data) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        exec.execute(() -> requireRegistered()
                .thenCompose(x -> request(new Message.Signal(rid(), session, to, null, data), requestTimeout))
                .whenComplete((m, e) -> complete(done, e)));
        return done;
    }

    /** Pulls the sessions waiting for this device (reverse-connection pull mode). */
    public CompletableFuture<List<IncomingRequest>> pending() {
        CompletableFuture<List<IncomingRequest>> out = new CompletableFuture<>();
        exec.execute(() -> requireRegistered()
                .thenCompose(x -> request(new Message.Pending(rid()), requestTimeout))
                .whenComplete((m, e) -> {
                    if (e != null) {
                        out.completeExceptionally(unwrap(e));
                        return;
                    }
                    List<IncomingRequest> items = new ArrayList<>();
                    for (Message.PendingItem i : ((Message.PendingList) m).items()) {
                        items.add(handlers.request(i));
                    }
                    out.complete(items);
                }));
        return out;
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            exec.execute(() -> {
                state = State.CLOSED;
                cancelHeartbeat();
                failAll(new SignallingException(SignallingException.CLOSED, "client closed"));
                waiters.failAll(new SignallingException(SignallingException.CLOSED, "client closed"));
                firstRegistration.completeExceptionally(new SignallingException(SignallingException.CLOSED, "client closed"));
                if (ws != null) {
                    ws.close(1000, "bye");
                }
                done.complete(null);
            });
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("close: {}", e.toString());
        }
        if (ownExecutor) {
            exec.shutdown();
        }
    }

    // ---- connection -----------------------------------------------------------------------

    private void open() {
        if (state == State.CLOSED || state == State.FAILED) {
            return;
        }
        state = State.CONNECTING;
        if (!rotation.exhausted()) {
            dial(rotation.next());
            return;
        }
        // a new round: resolving names may block on DNS, which the scheduler thread (shared by many clients) must not
        CompletableFuture.supplyAsync(rotation::expand, r -> Thread.ofVirtual().name("peerlink-resolve").start(r))
                .whenCompleteAsync((candidates, e) -> {
                    if (state != State.CONNECTING) {
                        return; // closed meanwhile
                    }
                    if (e != null) {
                        LOG.warn("{}: cannot list servers: {}", identity.deviceId(), unwrap(e).toString());
                        scheduleReconnect();
                        return;
                    }
                    rotation.install(candidates);
                    dial(rotation.next());
                }, exec);
    }

    private void dial(ServerRotation.Candidate server) {
        dialled = server.uri();
        // completes on exec, before the first frame is handed over; bounded by the connect timeout (TCP, TLS, upgrade)
        WebSocketConnector.shared().connect(server.uri(), server.address(), wsOptions, new Listener(), exec).whenComplete((socket, e) -> {
            if (e != null) {
                if (unwrap(e) instanceof java.util.concurrent.TimeoutException) {
                    LOG.warn("{}: opening {} timed out", identity.deviceId(), server);
                } else {
                    LOG.debug("{}: cannot connect to {}: {}", identity.deviceId(), server, unwrap(e).toString());
                }
                scheduleReconnect();
            } else if (state == State.CLOSED) {
                socket.abort();
            } else {
                ws = socket;
            }
        });
    }

    /** Called on exec, in arrival order. */
    private final class Listener implements WebSocketListener {
        @Override
        public void onText(WebSocketConnection socket, String text) {
            onFrame(socket, text);
        }

        @Override
        public void onClose(WebSocketConnection socket, int statusCode, String reason) {
            onDisconnect(socket, "closed by server (" + statusCode + ")");
        }

        @Override
        public void onError(WebSocketConnection socket, Throwable error) {
            onDisconnect(socket, error.toString());
        }
    }

    private void onDisconnect(WebSocketConnection socket, String why) {
        if (ws != null && socket != ws) {
            return; // an old socket
        }
        ws = null;
        cancelHeartbeat();
        failAll(new SignallingException(SignallingException.DISCONNECTED, why));
        if (state == State.CLOSED || state == State.FAILED) {
            return;
        }
        LOG.info("{}: signalling to {} lost: {}", identity.deviceId(), rotation.current(), why);
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (state == State.CLOSED || state == State.FAILED) {
            return;
        }
        state = State.BACKING_OFF;
        Duration d = backoff.delay(attempt++);
        exec.schedule(this::open, d.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onFrame(WebSocketConnection socket, String text) {
        if (socket != ws && ws != null) {
            return;
        }
        lastHeard = System.nanoTime();
        Message m;
        try {
            m = codec.decode(text);
        } catch (ProtocolException e) {
            LOG.warn("{}: unreadable frame from server: {}", identity.deviceId(), e.getMessage());
            return;
        }
        if (handlers.dispatch(m)) {
            return;
        }
        switch (m) {
            case Message.Challenge c -> {
                ws = socket;
                byte[] nonce = Ed25519.unb64(c.nonce());
                String sig = Ed25519.signRegistration(identity.privateKey(), nonce, identity.deviceId());
                NetworkInfo sent = network;
                request(new Message.Register(rid(), identity.deviceId(), identity.publicKeyText(), sig, aliases, enrollToken, sent),
                        requestTimeout).whenComplete((r, e) -> onRegisterResult(socket, r, e, sent));
            }
            case Message.Error e when e.rid() == null -> {
                LOG.warn("{}: server error: {} {}", identity.deviceId(), e.code(), e.message());
                if (FATAL.contains(e.code())) {
                    fatal(e.code(), e.message());
                }
            }
            default -> {
                if (!pending.answer(m)) {
                    LOG.debug("{}: unmatched {}", identity.deviceId(), m.type());
                }
            }
        }
    }

    private void onRegisterResult(WebSocketConnection socket, Message m, Throwable e, NetworkInfo sent) {
        if (e != null) {
            Throwable cause = unwrap(e);
            if (cause instanceof SignallingException se && FATAL.contains(se.code())) {
                fatal(se.code(), se.getMessage());
            } else {
                // an abort we make ourselves is not reported back: count it as the disconnect it is
                socket.abort();
                onDisconnect(socket, "registration failed: " + cause);
            }
            return;
        }
        registered = (Message.Registered) m;
        state = State.REGISTERED;
        attempt = 0;
        rotation.registered();
        long every = Math.max(50, registered.heartbeatMs());
        lastHeard = System.nanoTime();
        heartbeat = exec.scheduleWithFixedDelay(() -> beat(socket, every), every, every, TimeUnit.MILLISECONDS);
        LOG.info("{}: registered at {}", identity.deviceId(), rotation.current());
        if (!Objects.equals(network, sent)) {
            // update() ran while the registration was in flight: what it announced has not reached the server yet
            // (a port mapping made at start was lost so, and the mapping monitor never probed it)
            request(new Message.Update(rid(), network), requestTimeout).whenComplete((x, err) -> {
                if (err != null) {
                    LOG.debug("{}: update after registration failed: {}", identity.deviceId(), err.toString());
                }
            });
        }
        firstRegistration.complete(registered);
        waiters.registered();
        handlers.registered(registered);
    }

    /**
     * A heartbeat: pings, or gives up on a server that answered nothing (not even the pongs to the last two pings) for
     * three intervals: a server host that vanished sends no FIN, and TCP alone would notice only after many minutes.
     */
    private void beat(WebSocketConnection socket, long everyMs) {
        if (state != State.REGISTERED || socket != ws) {
            return;
        }
        long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeard);
        if (silentMs > 3 * everyMs) {
            socket.abort();
            onDisconnect(socket, "server silent for " + silentMs + " ms");
            return;
        }
        send(new Message.Ping(null));
    }

    private void fatal(String code, String message) {
        LOG.error("{}: signalling refused: {} {}", identity.deviceId(), code, message);
        fatalCode = code;
        state = State.FAILED;
        cancelHeartbeat();
        firstRegistration.completeExceptionally(new SignallingException(code, message));
        failAll(new SignallingException(code, message));
        waiters.failAll(new SignallingException(code, message));
        if (ws != null) {
            ws.abort();
            ws = null;
        }
    }

    /** A pushed or listed request's answer (any thread). */
    private CompletableFuture<Void> answer(String session, boolean accept, JsonBlob answer, String reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        exec.execute(() -> request(new Message.Answer(rid(), session, accept, answer, reason), requestTimeout)
                .whenComplete((m, e) -> complete(done, e)));
        return done;
    }

    // ---- requests -------------------------------------------------------------------------

    /**
     * On exec: completes with what is left of {@code timeout} once registered (at once when registered now); fails
     * with {@code disconnected} when no registration came within it, or with the refusal or closing that ended the
     * client.
     */
    private CompletableFuture<Duration> awaitRegistered(Duration timeout) {
        if (state == State.REGISTERED) {
            return CompletableFuture.completedFuture(timeout);
        }
        if (state == State.FAILED || state == State.CLOSED) {
            return requireRegistered().thenApply(x -> timeout);
        }
        return waiters.await(timeout, () -> new SignallingException(SignallingException.DISCONNECTED,
                "not registered within " + timeout.toMillis() + " ms (" + state + ", last server " + rotation.current() + ")"));
    }

    private CompletableFuture<Void> requireRegistered() {
        if (state == State.REGISTERED) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.failedFuture(new SignallingException(
                state == State.FAILED ? fatalCode : SignallingException.DISCONNECTED, "not registered (" + state + ")"));
    }

    /** On exec: sends a request and waits for the answer carrying its rid. */
    private CompletableFuture<Message> request(Message m, Duration timeout) {
        if (ws == null) {
            return CompletableFuture.failedFuture(new SignallingException(SignallingException.DISCONNECTED, "no connection"));
        }
        CompletableFuture<Message> f = pending.expect(m, timeout);
        send(m);
        return f;
    }

    /** On exec, so messages leave in the order they were sent; a failed write surfaces as the connection's error. */
    private void send(Message m) {
        WebSocketConnection socket = ws;
        if (socket != null) {
            socket.sendText(codec.encode(m));
        }
    }

    private void failAll(SignallingException e) {
        pending.failAll(e);
    }

    private void cancelHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
    }

    private String rid() {
        return pending.nextRid();
    }

    public static String newSessionId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Ed25519.b64(b);
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static void complete(CompletableFuture<Void> f, Throwable e) {
        if (e != null) {
            f.completeExceptionally(unwrap(e));
        } else {
            f.complete(null);
        }
    }

    private <T> T call(java.util.concurrent.Callable<T> c) {
        try {
            return exec.submit(c).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("signalling client unresponsive", e);
        }
    }

    public static final class Builder {
        private List<URI> servers;
        private ServerResolver resolver = ServerResolver.system();
        private java.util.Random random;
        private DeviceIdentity identity;
        private Aliases aliases = Aliases.NONE;
        private String enrollToken;
        private NetworkInfo network = NetworkInfo.EMPTY;
        private SSLContext sslContext;
        private dev.peerlink.protocol.HttpProxy proxy;
        private ScheduledExecutorService executor;
        private Duration minBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);

        /** {@code ws://host:port/v1/signal} or {@code wss://...}. */
        public Builder server(URI uri) { this.servers = List.of(uri); return this; }
        /**
         * Several servers of one service (identical instances: each knows every device): the client starts at a random
         * one and moves to another when it loses its connection. A host name with several addresses counts as that
         * many servers ({@link #resolver}).
         */
        public Builder servers(List<URI> uris) {
            uris.forEach(ServerList::check);
            this.servers = List.copyOf(uris);
            return this;
        }
        /** How server host names become addresses (default: the system resolver); asked again at every move. */
        public Builder resolver(ServerResolver resolver) { this.resolver = Objects.requireNonNull(resolver); return this; }
        /** The random source of server order and backoff jitter (tests seed it; used on the client's thread only). */
        Builder random(java.util.Random random) { this.random = random; return this; }
        public Builder identity(DeviceIdentity identity) { this.identity = identity; return this; }
        public Builder aliases(Aliases aliases) { this.aliases = aliases; return this; }
        public Builder enrollToken(String token) { this.enrollToken = token; return this; }
        public Builder network(NetworkInfo network) { this.network = network; return this; }
        /** Trust for wss (default: the JDK's trust store); the server's certificate must name its host. */
        public Builder sslContext(SSLContext ctx) { this.sslContext = ctx; return this; }
        /** Tunnel through this HTTP CONNECT proxy (default: as {@code HTTPS_PROXY}/{@code HTTP_PROXY}/{@code NO_PROXY} say). */
        public Builder proxy(dev.peerlink.protocol.HttpProxy proxy) { this.proxy = proxy; return this; }
        /** Share one scheduler thread among many clients (load generators); not shut down by close. */
        public Builder executor(ScheduledExecutorService exec) { this.executor = exec; return this; }
        public Builder backoff(Duration min, Duration max) { this.minBackoff = min; this.maxBackoff = max; return this; }
        public Builder requestTimeout(Duration d) { this.requestTimeout = d; return this; }
        public Builder connectTimeout(Duration d) { this.connectTimeout = d; return this; }

        public SignallingClient build() {
            return new SignallingClient(this);
        }
    }
}
