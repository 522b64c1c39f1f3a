package dev.peerlink.peer.internal.relay;

import dev.peerlink.protocol.HttpProxy;
import dev.peerlink.protocol.RelayGrant;
import dev.peerlink.protocol.TurnUri;
import dev.peerlink.secure.QuicTransport;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.attribute.RequestedAddressFamily;
import dev.peerlink.turn.client.StreamConnector;
import dev.peerlink.turn.client.TurnClient;
import dev.peerlink.turn.client.TurnException;
import dev.peerlink.turn.client.TurnTimeoutException;
import dev.peerlink.turn.client.TurnTls;
import dev.peerlink.turn.client.TurnTransport;
import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-sided TURN relay path for one QUIC session. Only this side (R) holds a TURN allocation; the peer (P) is a
 * plain UDP socket sending to {@link #relayedAddress()}. TURN permissions are per IP, so this works even when both
 * sides are behind symmetric NATs: R permits P's public IP ({@link #permit}), whatever port P's NAT picks.
 *
 * <p>QUIC and the TURN client share one UDP socket, {@link #quicChannel()}, on the {@link QuicTransport}'s event loop:
 * QUIC's codec joins its pipeline ({@code QuicTransport.connect/accept(Channel, …)}) behind {@link TurnFraming},
 * which sends what QUIC writes to {@link #quicRemote()} on to the peer through TURN (Send indications, or ChannelData
 * once a channel is bound — one is bound as soon as the peer's address is known) and hands QUIC what the relay
 * delivers from a permitted peer, as if from {@link #quicRemote()}. Over TCP or TLS to the server ({@code turn:…?transport=tcp},
 * {@code turns:}, for networks that block UDP) the UDP socket only carries QUIC's pipeline: the framing hands QUIC's
 * datagrams to the TURN client, which sends them on its stream, and what it receives back to QUIC on the event loop.
 *
 * <p>Roles. Normally P's mapped port is not known in advance, so P is the QUIC client
 * ({@code connect(plain, relayedAddress(), …)}) and R the server ({@code accept(quicChannel(), …)}); R learns
 * P's transport address from the first datagram relayed from a permitted IP. A later datagram from another port of
 * a permitted IP replaces it (NAT rebinding; QUIC validates the new path itself). Anyone behind the same IP can so
 * redirect the path — they cannot read or forge the session (QUIC is authenticated end to end), only disturb it.
 * When P's address is known (P not behind a symmetric NAT), {@link #peer} sets it and R may be the QUIC client,
 * connecting to {@link #quicRemote()}.
 *
 * <p>Lifetime. The TURN client refreshes allocation, permissions and channels. When it reports a failure, or nothing
 * has arrived through the relay for {@link #silenceTimeout} while a peer is known (QUIC keepalives make silence mean
 * a dead relay or peer), the path closes itself: QUIC hears and says nothing more through it, so the session ends
 * with its idle timeout (and closes the socket). {@link #close()} releases everything (deallocation, socket),
 * idempotently; so does the session closing the socket first. One path carries one session.
 */
public final class RelayPath implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayPath.class);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "relay-path-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** Why the path closed. */
    public enum CloseReason { LOCAL_CLOSE, RELAY_FAILED, RELAY_SILENT }

    /** Datagrams and payload bytes forwarded each way since the path opened, and datagrams dropped. */
    public record Stats(long packetsToPeer, long bytesToPeer, long packetsFromPeer, long bytesFromPeer, long dropped) {}

    private final TurnFraming framing;
    private final Channel channel;
    private final TurnClient turn;
    private final InetSocketAddress server;
    private final InetSocketAddress relayed;
    private final Set<InetSocketAddress> binding = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final ScheduledFuture<?> watchdog;
    private volatile Duration silenceTimeout = Duration.ofSeconds(10);

    private volatile boolean closeRequested;

    private RelayPath(QuicTransport quic, InetSocketAddress server, TurnTransport transport, TurnCredentials credentials,
                      Duration timeout, StreamConnector connector, int relayFamily) throws IOException {
        this.server = server;
        boolean udp = transport == TurnTransport.UDP;
        // QUIC's remote is the TURN server's address: stable while the peer's transport address may change
        framing = new TurnFraming(server, server, !udp, this::bindChannelLater, () -> {
            closeRequested = true;
            closeAsync(CloseReason.LOCAL_CLOSE, null);
        });
        channel = quic.openUdp(new InetSocketAddress(0), framing);
        TurnClient client = null;
        try {
            TurnClient.Builder b = TurnClient.builder(server, credentials).relayFamily(relayFamily);
            if (udp) {
                b.socketOwnedBy(framing::sendRaw, (InetSocketAddress) channel.localAddress());
            } else {
                // turns: is for reachability: TURN's MESSAGE-INTEGRITY authenticates the relay and what crosses it
                // is QUIC, encrypted end to end to the pinned peer; relays mostly run self-signed certificates.
                b.transport(transport).tls(TurnTls.anyCertificate());
                if (connector != null) {
                    b.connector(connector);
                }
            }
            client = b.closeTimeout(Duration.ofSeconds(1))
                    .onData(framing::fromIndication)
                    .onFailure(e -> closeAsync(CloseReason.RELAY_FAILED, e))
                    .connect();
            framing.turn(client);
            relayed = allocate(client, timeout);
        } catch (IOException | RuntimeException e) {
            if (client != null) {
                client.close();
            }
            framing.release(true);
            throw e;
        }
        turn = client;
        watchdog = WATCHDOG.scheduleWithFixedDelay(this::checkSilence, 100, 100, TimeUnit.MILLISECONDS);
        if (closing.get()) { // TURN failed while we were still being built: shutdown() could not finish
            watchdog.cancel(false);
            turn.close();
            framing.release(closeRequested);
        }
    }

    /**
     * Allocates on the first server of the grant that answers within what is left of {@code timeout}; the grant's
     * username and password are REST-style credentials the signalling server minted. URLs are {@code ip:port} (UDP)
     * and, after them, the grant's {@code streamUrls} ({@link TurnUri}: TCP or TLS, for networks that block UDP).
     */
    public static RelayPath open(QuicTransport quic, RelayGrant grant, Duration timeout) throws IOException {
        return open(quic, grant, timeout, null);
    }

    /**
     * As {@link #open(QuicTransport, RelayGrant, Duration)}, the TCP/TLS servers reached through {@code proxy} (a
     * CONNECT tunnel; TLS runs through it to the relay) — or, when null, through the proxy {@code HTTPS_PROXY} names
     * for the relay ({@code NO_PROXY} honoured), else directly.
     */
    public static RelayPath open(QuicTransport quic, RelayGrant grant, Duration timeout, HttpProxy proxy) throws IOException {
        return open(quic, grant, timeout, proxy, RequestedAddressFamily.IPV4);
    }

    /**
     * As {@link #open(QuicTransport, RelayGrant, Duration, HttpProxy)} with the relayed address in {@code relayFamily}
     * ({@code RequestedAddressFamily.IPV6} for a peer that has only IPv6: the relay bridges the families).
     */
    public static RelayPath open(QuicTransport quic, RelayGrant grant, Duration timeout, HttpProxy proxy, int relayFamily)
            throws IOException {
        if (grant.urls().isEmpty() && grant.streamUrls().isEmpty()) {
            throw new IOException("relay grant names no TURN server");
        }
        List<String> all = new ArrayList<>(grant.urls());
        all.addAll(grant.streamUrls());
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException failure = null;
        for (int i = 0; i < all.size(); i++) {
            String url = all.get(i);
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            // UDP may be blocked outright: leave the TCP/TLS servers at least half of the time.
            boolean streamsLeft = i < grant.urls().size() && !grant.streamUrls().isEmpty();
            Duration budget = Duration.ofNanos(streamsLeft ? left / 2 : left);
            try {
                TurnUri uri = TurnUri.parse(url);
                TurnTransport transport = uri.tls() ? TurnTransport.TLS : uri.tcp() ? TurnTransport.TCP : TurnTransport.UDP;
                StreamConnector via = transport == TurnTransport.UDP ? null : RelayProxy.connector(uri.server(), proxy);
                return new RelayPath(quic, uri.server(), transport, TurnCredentials.of(grant.username(), grant.password()), budget, via,
                        relayFamily);
            } catch (IOException | IllegalArgumentException e) {
                IOException io = e instanceof IOException x ? x
                        : new IOException("unusable relay URL " + url + ": " + e.getMessage(), e);
                if (failure == null) {
                    failure = io;
                } else {
                    failure.addSuppressed(io);
                }
            }
        }
        throw failure != null ? failure : new TurnTimeoutException("no TURN allocation within " + timeout, null);
    }

    /**
     * Opens a UDP socket on {@code quic}'s event loop, connects a TURN client on it to {@code server} and allocates,
     * giving up after {@code timeout}.
     */
    public static RelayPath open(QuicTransport quic, InetSocketAddress server, TurnCredentials credentials,
                                 Duration timeout) throws IOException {
        return new RelayPath(quic, Objects.requireNonNull(server), TurnTransport.UDP, Objects.requireNonNull(credentials), timeout, null,
                RequestedAddressFamily.IPV4);
    }

    /** Where the peer sends: the relayed transport address of the allocation. */
    public InetSocketAddress relayedAddress() {
        return relayed;
    }

    /** The socket to hand to {@code QuicTransport.connect/accept}, which takes ownership of it. */
    public Channel quicChannel() {
        return channel;
    }

    /** The remote QUIC on this side talks to, whatever the peer's transport address (for {@code connect}). */
    public InetSocketAddress quicRemote() {
        return server;
    }

    /** The peer's transport address, once given or learned. */
    public InetSocketAddress peer() {
        return framing.peer();
    }

    /** The TURN channel bound to the current peer, once bound (until then data travels in Send/Data indications). */
    public Optional<Integer> channel() {
        InetSocketAddress current = framing.peer();
        return current == null ? Optional.empty() : turn.channel(current);
    }

    /** Lets the peer's (public) IP send through the relay: a TURN CreatePermission, refreshed until close. */
    public void permit(InetAddress peerIp) throws TurnException {
        turn.createPermission(peerIp);
        framing.permit(peerIp);
    }

    /**
     * Sets the peer's address when it is known in advance (it is not behind a symmetric NAT): permits its IP and
     * binds a channel to it, so this side may be the QUIC client. Blocks for the two TURN transactions.
     */
    public void peer(InetSocketAddress address) throws TurnException {
        turn.bindChannel(address); // installs the permission too
        framing.peer(address);
    }

    /** Close the path when nothing has come through the relay for this long while a peer is known (default 10 s). */
    public RelayPath silenceTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("must be positive: " + timeout);
        }
        this.silenceTimeout = timeout;
        return this;
    }

    /** False once the path has stopped forwarding; true from the start (QUIC's datagrams are sent once a peer is known). */
    public boolean isForwarding() {
        return !framing.muted();
    }

    /** True once the path has stopped forwarding (QUIC's datagrams go nowhere, the relay's are dropped). */
    public boolean isClosed() {
        return closed.isDone();
    }

    /**
     * Completes with the reason once the path has stopped forwarding. The session then ends
     * with its idle timeout; for an immediate end, {@code closeFuture().thenRun(session::close)}.
     */
    public CompletableFuture<CloseReason> closeFuture() {
        return closed.copy();
    }

    public Stats stats() {
        return framing.stats();
    }

    /**
     * Stops forwarding, deallocates (waiting at most 1 s for the server) and closes the socket unless QUIC's session
     * still holds it (it closes it when it ends). Idempotent.
     */
    @Override
    public void close() {
        shutdown(CloseReason.LOCAL_CLOSE, null);
    }

    private static InetSocketAddress allocate(TurnClient client, Duration timeout) throws IOException {
        // TurnClient retransmits for up to 39.5 s and cannot be closed mid-setup, but its transaction wait is
        // interruptible: allocate on a thread of our own and interrupt it at the deadline.
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                result.complete(client.allocate().relayedAddress());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new TurnTimeoutException("no TURN allocation within " + timeout, e);
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while allocating");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("TURN allocation failed: " + e.getCause(), e.getCause());
        }
    }

    /** A new transport address of the peer (on the event loop): bind it a channel off that thread. */
    private void bindChannelLater(InetSocketAddress peer) {
        log.debug("relay peer is now {}", peer);
        if (turn.channel(peer).isEmpty() && binding.add(peer)) {
            Thread.ofVirtual().start(() -> {
                try {
                    turn.bindChannel(peer);
                } catch (TurnException | IllegalStateException e) {
                    log.debug("channel bind to {} failed; Send indications carry on: {}", peer, e.toString());
                } finally {
                    binding.remove(peer);
                }
            });
        }
    }

    private void checkSilence() {
        if (framing.peer() != null && !closing.get() && framing.silentNanos() > silenceTimeout.toNanos()) {
            closeAsync(CloseReason.RELAY_SILENT, null);
        }
    }

    /** From TURN or watchdog threads, which must not wait for the deallocation. */
    private void closeAsync(CloseReason reason, Throwable cause) {
        Thread.ofVirtual().start(() -> shutdown(reason, cause));
    }

    private void shutdown(CloseReason reason, Throwable cause) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        if (reason != CloseReason.LOCAL_CLOSE) {
            log.info("relay path {} closed: {}{}", relayed, reason, cause != null ? " (" + cause + ")" : "");
        }
        if (watchdog != null) { // null only if TURN failed while the constructor was still running
            watchdog.cancel(false);
        }
        framing.mute(); // QUIC hears nothing more and ends with its idle timeout
        closed.complete(reason); // unusable from here; the deallocation below may take up to 1 s
        if (turn != null) {
            turn.close();
        }
        framing.release(closeRequested);
    }
}
