package dev.peerlink.turn.server.internal;

import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.TransactionId;
import dev.peerlink.turn.TurnAttributeType;
import dev.peerlink.turn.TurnErrors;
import dev.peerlink.turn.attribute.ConnectionId;
import dev.peerlink.turn.attribute.XorPeerAddress;
import dev.peerlink.turn.server.Refusal;
import dev.peerlink.turn.server.TurnServerConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * TCP allocations (RFC 6062): a relayed TCP listener per allocation, Connect (the server opens a
 * connection to the peer from the relayed address), ConnectionAttempt indications for peers that
 * connect in, and ConnectionBind, which turns a fresh client connection into a raw byte pipe to one peer
 * connection. The peer policy and permissions apply as for UDP.
 */
final class TcpRelayService {
    static final StunMethod CONNECT = StunMethod.of(0x00A);
    static final StunMethod CONNECTION_BIND = StunMethod.of(0x00B);
    static final StunMethod CONNECTION_ATTEMPT = StunMethod.of(0x00C);
    /** RFC 6062 §5.2: at least 30 s to connect. The bind timeout (30 s) is in the config. */
    static final int CONNECT_TIMEOUT_MILLIS = 30_000;
    /** Peer connections one allocation may hold (pending or bound); beyond it Connect gets 403 and peers are refused. */
    static final int MAX_CONNECTIONS_PER_ALLOCATION = 64;
    private static final int MAX_PORT_ATTEMPTS = 32;

    private final TurnTransport transport;
    private final RelayPorts ports;
    private final Counters counters;
    private final PermissionService permissions;
    private final long permissionLifetime;
    private final long bindTimeoutMillis;
    private final ConcurrentHashMap<Long, PeerConnection> unbound = new ConcurrentHashMap<>();

    TcpRelayService(TurnServerConfig config, TurnTransport transport, Counters counters, PermissionService permissions) {
        this.transport = transport;
        // TCP ports are their own namespace: a UDP allocation may hold the same number.
        this.ports = new RelayPorts(config.minPort(), config.maxPort());
        this.counters = counters;
        this.permissions = permissions;
        this.permissionLifetime = config.permissionLifetime().toNanos();
        this.bindTimeoutMillis = config.connectionBindTimeout().toMillis();
    }

    /**
     * §5.1: TCP relaying only from a TCP or TLS control connection, and without the UDP-only attributes
     * (EVEN-PORT, RESERVATION-TOKEN, DONT-FRAGMENT). Answers 400 and returns false otherwise.
     */
    static boolean acceptsAllocate(Request req) {
        if (!req.link.isTcp() || req.msg.has(TurnAttributeType.EVEN_PORT) || req.msg.has(TurnAttributeType.RESERVATION_TOKEN)
                || req.msg.has(TurnAttributeType.DONT_FRAGMENT)) {
            req.fail(TurnErrors.BAD_REQUEST, Refusal.BAD_REQUEST);
            return false;
        }
        return true;
    }

    /** Binds the allocation's relayed TCP listener; {@code done} gets it, or null when no port could be had. */
    void bind(Allocation a, InetAddress relayIp, Consumer<Channel> done) {
        attempt(a, relayIp, new HashSet<>(), done);
    }

    private void attempt(Allocation a, InetAddress relayIp, Set<Integer> tried, Consumer<Channel> done) {
        int port = tried.size() < MAX_PORT_ATTEMPTS ? ports.claim(false, tried) : -1;
        if (port < 0) {
            done.accept(null);
            return;
        }
        tried.add(port);
        TcpRelay relay = new TcpRelay();
        ChannelFuture f = transport.tcpRelayListener(a.link.eventLoop())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        inbound(a, relay, ch);
                    }
                })
                .bind(new InetSocketAddress(relayIp, port));
        f.addListener(x -> {
            if (f.isSuccess()) {
                a.port = port;
                a.tcpRelay = relay;
                f.channel().closeFuture().addListener(c -> ports.release(port));
                done.accept(f.channel());
            } else {
                ports.release(port);
                attempt(a, relayIp, tried, done);
            }
        });
    }

    /** A peer connected to the relayed address (§5.4): announced to the client if it holds a permission for the peer. */
    private void inbound(Allocation a, TcpRelay relay, Channel ch) {
        InetSocketAddress peer = (InetSocketAddress) ch.remoteAddress();
        if (!a.isActive() || !a.permitted(peer.getAddress(), System.nanoTime())
                || relay.size() >= MAX_CONNECTIONS_PER_ALLOCATION || !relay.reserve(peer)) {
            counters.droppedNoPermission.increment();
            ch.close();
            return;
        }
        PeerConnection c = register(a, relay, ch, peer);
        StunMessage attempt = StunMessage.builder(CONNECTION_ATTEMPT, StunClass.INDICATION, TransactionId.random())
                .add(new XorPeerAddress(peer)).add(new ConnectionId(c.id)).build();
        a.link.writeAndFlush(Unpooled.wrappedBuffer(StunEncoder.standard().encode(attempt)));
    }

    /** Connect (§5.2), on the allocation's control connection. */
    void connect(Request req, Allocation a) {
        if (a == null) {
            return;
        }
        TcpRelay relay = a.tcpRelay;
        Optional<XorPeerAddress> peerAttr = req.msg.attribute(XorPeerAddress.class);
        if (relay == null || peerAttr.isEmpty()) {
            req.fail(TurnErrors.BAD_REQUEST, Refusal.BAD_REQUEST);
            return;
        }
        InetSocketAddress peer = peerAttr.get().address();
        if (!permissions.checkPeer(req, a, peer)) {
            return;
        }
        if (relay.size() >= MAX_CONNECTIONS_PER_ALLOCATION) {
            req.fail(TurnErrors.FORBIDDEN, Refusal.CAPACITY);
            return;
        }
        if (!relay.reserve(peer)) {
            req.fail(TurnErrors.CONNECTION_ALREADY_EXISTS, Refusal.CONNECTION_FAILED);
            return;
        }
        ChannelFuture f = transport.tcpRelayConnector(a.link.eventLoop(), CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInboundHandlerAdapter())
                .localAddress(a.relayed)
                .connect(peer);
        f.addListener(x -> {
            if (!f.isSuccess() || relay.isClosed()) {
                f.channel().close();
                relay.unreserve(peer);
                if (!relay.isClosed()) {
                    req.fail(TurnErrors.CONNECTION_TIMEOUT_OR_FAILURE, Refusal.CONNECTION_FAILED);
                }
                return;
            }
            PeerConnection c = register(a, relay, f.channel(), peer);
            a.permit(peer.getAddress(), System.nanoTime() + permissionLifetime);
            req.succeed(new ConnectionId(c.id));
        });
    }

    /** Names the connection, starts its bind timeout and forgets it when it closes. On the allocation's loop. */
    private PeerConnection register(Allocation a, TcpRelay relay, Channel ch, InetSocketAddress peer) {
        PeerConnection c;
        do {
            c = new PeerConnection(ThreadLocalRandom.current().nextLong(1, 1L << 32), a, ch, peer);
        } while (unbound.putIfAbsent(c.id, c) != null);
        PeerConnection registered = c;
        relay.add(c);
        c.bindTimer = ch.eventLoop().schedule(() -> {
            if (registered.claim()) {
                ch.close(); // nobody bound it in time
            }
        }, bindTimeoutMillis, TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(x -> {
            unbound.remove(registered.id, registered);
            registered.bindTimer.cancel(false);
            relay.remove(registered);
        });
        return c;
    }

    /**
     * ConnectionBind (§5.3), on a new client connection with no allocation: after the success response
     * the connection carries raw bytes to and from the peer connection, no more STUN.
     */
    void connectionBind(Request req) {
        Optional<ConnectionId> id = req.msg.attribute(ConnectionId.class);
        PeerConnection c = id.map(i -> unbound.get(i.id())).orElse(null);
        if (!req.link.isTcp() || c == null) {
            req.fail(TurnErrors.BAD_REQUEST, Refusal.BAD_REQUEST);
            return;
        }
        if (!c.allocation.username.equals(req.auth.username())) {
            req.fail(TurnErrors.WRONG_CREDENTIALS, Refusal.WRONG_CREDENTIALS);
            return;
        }
        if (!c.claim()) { // bound by another request, or timed out
            req.fail(TurnErrors.BAD_REQUEST, Refusal.BAD_REQUEST);
            return;
        }
        unbound.remove(c.id, c);
        c.bindTimer.cancel(false);
        req.succeed();
        Channel data = req.link.channel;
        Channel peer = c.channel;
        ChannelPipeline p = data.pipeline();
        // The frame decoder goes last: on removal it hands any bytes it holds to the splice, in order.
        p.remove(TcpInitializer.IDLE);
        p.replace(TcpInitializer.CLIENT, "splice", new Splice(peer, counters.bytesToPeers));
        p.remove(TcpInitializer.FRAMES);
        peer.eventLoop().execute(() -> {
            if (!peer.isActive()) {
                data.close();
                return;
            }
            peer.pipeline().addLast(new Splice(data, counters.bytesToClients));
            peer.config().setAutoRead(true);
        });
        data.closeFuture().addListener(x -> peer.close());
    }
}
