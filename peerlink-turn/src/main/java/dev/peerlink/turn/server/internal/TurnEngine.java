package dev.peerlink.turn.server.internal;

import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.turn.TurnAttributes;
import dev.peerlink.turn.TurnErrors;
import dev.peerlink.turn.server.Refusal;
import dev.peerlink.turn.server.TurnServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/**
 * Everything a client sends arrives here: demultiplexed on the first two bits (00 STUN, 01
 * ChannelData, anything else is garbage), STUN requests rate-limited per source, authenticated and
 * dispatched by method. Binding is answered without credentials, as TURN servers do, so a client can
 * learn its reflexive address from the same port.
 */
public final class TurnEngine {
    private final Counters counters;
    private final Authenticator auth;
    private final AllocationTable table;
    private final SourceRateLimiter limiter;
    private final AllocationService allocations;
    private final PermissionService permissions;
    private final DataPath data;
    private final StunDecoder decoder;
    private final TcpRelayService tcp;

    public TurnEngine(TurnServerConfig config, TurnTransport transport, Counters counters) {
        this.counters = counters;
        this.decoder = config.classicStun() ? TurnAttributes.CLASSIC_DECODER : TurnAttributes.DECODER;
        this.auth = new Authenticator(config.realm(), new NonceFactory(config.nonceLifetime().toNanos()),
                new CredentialStore(config.users(), config.secret().orElse(null), config.realm()));
        this.table = new AllocationTable(config.maxAllocations(), config.maxAllocationsPerUser());
        this.limiter = new SourceRateLimiter(config.requestsPerSecond(), config.requestBurst(), 1 << 16);
        OwnRelayIps own = OwnRelayIps.of(config);
        this.data = new DataPath(table, counters, own);
        PeerPolicy initial = new PeerPolicy(config.allowedPeers(), config.deniedPeers(), ownAddresses(config),
                Set.of(config.listen()));
        this.permissions = new PermissionService(config, counters, initial, own, table);
        this.tcp = new TcpRelayService(config, transport, counters, permissions);
        this.allocations = new AllocationService(config, transport, table, counters, data, tcp);
    }

    /** Called once the listeners are bound and their ports known: peers may never be the server's own sockets. */
    public void ownSockets(TurnServerConfig config, Set<InetSocketAddress> sockets) {
        permissions.policy(new PeerPolicy(config.allowedPeers(), config.deniedPeers(), ownAddresses(config), sockets));
    }

    private static List<java.net.InetAddress> ownAddresses(TurnServerConfig config) {
        List<java.net.InetAddress> bound = new java.util.ArrayList<>(config.relayIps());
        bound.add(config.listen().getAddress());
        config.listen6().ifPresent(bound::add);
        return PeerPolicy.ownAddresses(bound.toArray(java.net.InetAddress[]::new));
    }

    /** A datagram from {@code client} on a UDP listener. */
    void fromUdp(Channel listener, InetSocketAddress client, InetSocketAddress server, ByteBuf content, List<Allocation> dirty) {
        FiveTuple tuple = new FiveTuple(client, server, false);
        Allocation a = table.get(tuple);
        ClientLink link = a != null ? a.link : ClientLink.udp(listener, client, server);
        fromClient(link, content, dirty);
    }

    /**
     * One frame (STUN message or padded ChannelData) or datagram from a client. Does not release {@code content}.
     * Returns 0, or for a request over TCP/TLS that the rate limit holds back the nanoseconds until it may be handed
     * in again: a stream client never retransmits (RFC 8489 §6.2.2), so a dropped request would cost it a 39.5 s
     * timeout; it is paused instead. Over UDP the excess is dropped (and retransmitted by the client).
     */
    long fromClient(ClientLink link, ByteBuf content, List<Allocation> dirty) {
        int len = content.readableBytes();
        int kind = len == 0 ? -1 : content.getUnsignedByte(content.readerIndex()) & 0xC0;
        if (kind == 0x40) {
            data.channelDataFromClient(link, content, dirty);
            return 0;
        }
        if (kind != 0) {
            counters.refused(Refusal.GARBAGE);
            return 0;
        }
        StunMessage msg;
        try {
            msg = decoder.decode(ByteBufUtil.getBytes(content));
        } catch (StunDecodeException e) {
            counters.refused(Refusal.GARBAGE);
            return 0;
        }
        switch (msg.messageClass()) {
            case INDICATION -> {
                if (msg.method().equals(StunMethod.SEND)) {
                    data.sendIndication(link, msg, dirty);
                }
            }
            case REQUEST -> {
                return request(link, msg);
            }
            default -> { } // responses and stray Data indications: nothing to do
        }
        return 0;
    }

    /** Returns 0, or the pause before a rate-limited request over TCP may come again (see fromClient). */
    private long request(ClientLink link, StunMessage msg) {
        long now = System.nanoTime();
        InetSocketAddress client = link.tuple.client();
        long wait = limiter.acquireOrWait(client.getAddress(), now);
        if (wait > 0) {
            if (link.isTcp()) {
                counters.deferred();
                return wait;
            }
            counters.refused(Refusal.RATE_LIMITED);
            return 0;
        }
        handle(link, msg, client, now);
        return 0;
    }

    private void handle(ClientLink link, StunMessage msg, InetSocketAddress client, long now) {
        StunMethod method = msg.method();
        List<Integer> unknown = msg.unknownComprehensionRequired(TurnAttributes.REGISTRY);
        if (method.equals(StunMethod.BINDING)) {
            link.writeAndFlush(Unpooled.wrappedBuffer(Replies.binding(msg, client, unknown)));
            return;
        }
        if (!isTurnRequest(method)) {
            counters.refused(Refusal.BAD_REQUEST);
            link.writeAndFlush(Unpooled.wrappedBuffer(
                    Replies.error(msg, TurnErrors.BAD_REQUEST, Replies.unprotected(msg), List.of())));
            return;
        }
        Authenticator.Result result = auth.check(msg, client.getAddress(), now);
        if (result instanceof Authenticator.Fail f) {
            counters.refused(f.refusal());
            link.writeAndFlush(Unpooled.wrappedBuffer(Replies.error(msg, f.code(), Replies.unprotected(msg),
                    f.challenge() ? auth.challenge(client.getAddress(), now) : List.of())));
            return;
        }
        Request req = new Request(msg, link, (Authenticator.Ok) result, now, counters);
        if (!unknown.isEmpty()) {
            counters.refused(Refusal.UNKNOWN_ATTRIBUTE);
            req.reply(Replies.unknownAttributes(msg, req.auth.protection(), unknown));
            return;
        }
        switch (method.code()) {
            case 0x003 -> allocations.allocate(req);
            case 0x004 -> allocations.refresh(req);
            case 0x008 -> permissions.createPermission(req, owned(req));
            case 0x009 -> channelBind(req);
            case 0x00A -> tcp.connect(req, owned(req));
            case 0x00B -> tcp.connectionBind(req);
            default -> throw new IllegalStateException("unreachable: " + method);
        }
    }

    private static boolean isTurnRequest(StunMethod m) {
        return m.equals(StunMethod.ALLOCATE) || m.equals(StunMethod.REFRESH) || m.equals(StunMethod.CREATE_PERMISSION)
                || m.equals(StunMethod.CHANNEL_BIND) || m.equals(TcpRelayService.CONNECT) || m.equals(TcpRelayService.CONNECTION_BIND);
    }

    /** A TCP allocation (RFC 6062) has no channels: its data goes over data connections. ChannelBind on one is 400. */
    private void channelBind(Request req) {
        Allocation a = owned(req);
        if (a != null && a.tcpRelay != null) {
            req.fail(dev.peerlink.turn.TurnErrors.BAD_REQUEST, Refusal.BAD_REQUEST);
            return;
        }
        permissions.channelBind(req, a);
    }

    /** The allocation on this 5-tuple if the signer owns it; otherwise answers 437/441 and returns null. */
    private Allocation owned(Request req) {
        return allocations.owned(req);
    }

    /** A TCP client connection closed: its allocation goes with it. */
    void linkClosed(ClientLink link) {
        Allocation a = table.get(link.tuple);
        if (a != null) {
            allocations.delete(a);
        }
    }

    boolean hasAllocation(ClientLink link) {
        return table.get(link.tuple) != null;
    }

    /** Stops timers and closes relayed sockets (the caller then shuts the event loops down). */
    public void shutdown() {
        allocations.shutdown();
    }
}
