package dev.peerlink.peer.internal.ladder;

import dev.peerlink.peer.internal.relay.RelayPath;
import dev.peerlink.protocol.RelayGrant;
import dev.peerlink.turn.attribute.RequestedAddressFamily;
import dev.peerlink.secure.PeerIdentity;
import dev.peerlink.secure.SecureSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This side's TURN allocation for one ladder run (the relay rung): opened on the registration's grant — only its
 * TCP/TLS servers when this network blocks UDP — and carrying one QUIC session. Until that session forms the run owns
 * the allocation ({@link #close} releases it); from then on the session does: each one's end ends the other.
 */
final class OwnRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OwnRelay.class);

    private final RelayPath path;
    private volatile boolean sessionFormed;

    private OwnRelay(RelayPath path) {
        this.path = path;
    }

    /**
     * @param udpBlocked only the grant's TCP/TLS servers
     * @param ipv6 a relayed address on IPv6 (for a peer that has only IPv6), else IPv4
     */
    static OwnRelay open(LadderContext ctx, boolean udpBlocked, boolean ipv6) throws IOException {
        RelayGrant grant = ctx.signalling().registration() == null ? null : ctx.signalling().registration().relay();
        if (grant == null) {
            throw new IOException("the server granted no relay");
        }
        if (udpBlocked) { // straight to the relay's TCP/TLS servers: its UDP one cannot answer
            grant = new RelayGrant(List.of(), grant.username(), grant.password(), grant.ttlSeconds(), grant.streamUrls());
        }
        return new OwnRelay(RelayPath.open(ctx.quic(), grant, Duration.ofSeconds(5), ctx.signalling().proxy(),
                ipv6 ? RequestedAddressFamily.IPV6 : RequestedAddressFamily.IPV4));
    }

    InetSocketAddress relayed() {
        return path.relayedAddress();
    }

    /** The peer's transport address as the relay sees it, once given or learned (null before). */
    InetSocketAddress peer() {
        return path.peer();
    }

    /** Permits every address of the relay's family; returns how many the relay took (a private one it may refuse). */
    int permit(Collection<InetAddress> ips) {
        int permitted = 0;
        for (InetAddress ip : ips) {
            if (permit(ip)) {
                permitted++;
            }
        }
        return permitted;
    }

    boolean permit(InetAddress ip) {
        if (ip.getClass() != relayed().getAddress().getClass()) {
            return false; // TURN relays one address family
        }
        try {
            path.permit(ip);
            return true;
        } catch (IOException e) {
            LOG.debug("relay permission for {} refused: {}", ip, e.getMessage());
            return false;
        }
    }

    /**
     * Relay to relay: the other side's relayed address becomes this path's peer, bound as a channel (ChannelBind names
     * the exact address, which a relay asks before it lets one of its allocations talk to another).
     */
    boolean peer(InetSocketAddress peerRelayed) {
        try {
            path.peer(peerRelayed);
            return true;
        } catch (IOException e) {
            LOG.debug("relay refused a channel to {}: {}", peerRelayed, e.getMessage());
            return false;
        }
    }

    /**
     * QUIC listens on the relay's channel. Call before the relayed address is signalled: an Initial arriving before the
     * codec joined the pipeline would be lost and cost the other side a probe timeout (~1 s).
     */
    CompletableFuture<SecureSession> accept(LadderContext ctx, PeerIdentity expected) {
        return owned(ctx.quic().accept(path.quicChannel(), ctx.self(), expected, ctx.config().session()));
    }

    /**
     * Relay to relay (both sides UDP-blocked): binds a channel to the other side's relayed address and connects QUIC
     * through it; the other side permits our relayed address when told it.
     */
    CompletableFuture<SecureSession> connect(LadderContext ctx, InetSocketAddress peerRelayed, PeerIdentity expected)
            throws IOException {
        path.peer(peerRelayed);
        return owned(ctx.quic().connect(path.quicChannel(), path.quicRemote(), ctx.self(), expected, ctx.config().session()));
    }

    private CompletableFuture<SecureSession> owned(CompletableFuture<SecureSession> session) {
        return session.thenApply(s -> {
            sessionFormed = true;
            s.addListener((x, why, cause) -> path.close());
            path.closeFuture().thenRun(s::close); // a dead relay ends its session now, not at the idle timeout
            return s;
        });
    }

    /** Releases the allocation unless its session formed. */
    @Override
    public void close() {
        if (!sessionFormed) {
            path.close();
        }
    }
}
