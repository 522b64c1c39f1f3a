package dev.peerlink.turn.server.internal;

import dev.peerlink.stun.TransactionId;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * One allocation: relayed socket, permissions, channel bindings, expiry, bandwidth bucket. Lives on
 * its client link's event loop (the relayed socket is registered there too), so its state needs no
 * locks; only {@link Counters} are shared.
 */
final class Allocation {
    enum State { PENDING, ACTIVE, CLOSED }

    /** A channel binding. After expiry it stays reserved (unusable, not rebindable elsewhere) until {@code reservedUntil}. */
    static final class Binding {
        final int number;
        final InetSocketAddress peer;
        long expiresAt;
        long reservedUntil;

        Binding(int number, InetSocketAddress peer) {
            this.number = number;
            this.peer = peer;
        }
    }

    final FiveTuple tuple;
    final ClientLink link;
    final String username;
    final String quotaUser;
    final TransactionId allocateTransaction;
    final TokenBucket bucket;
    private final Counters counters;

    State state = State.PENDING;
    Channel relay; // a UDP socket, or for RFC 6062 allocations the relayed TCP listener
    TcpRelay tcpRelay; // RFC 6062 allocations only
    InetSocketAddress relayed;
    // The second family of a dual allocation (ADDITIONAL-ADDRESS-FAMILY, RFC 8656 §7.2): its own UDP socket.
    Channel relay2;
    InetSocketAddress relayed2;
    int port = -1;
    byte[] allocateResponse; // resent verbatim to a retransmitted Allocate
    long expiresAt;
    ScheduledFuture<?> expiryTimer;
    ScheduledFuture<?> sweepTimer;
    boolean relayDirty;
    GsoRun run = new GsoRun(); // datagrams to peers not yet written to the relayed socket
    GsoRun run2 = new GsoRun(); // the same for relay2

    private final Map<InetAddress, Long> permissions = new HashMap<>();
    private final Map<Integer, Binding> channelsByNumber = new HashMap<>();
    private final Map<InetSocketAddress, Binding> channelsByPeer = new HashMap<>();

    Allocation(FiveTuple tuple, ClientLink link, String username, String quotaUser, TransactionId allocateTransaction,
               TokenBucket bucket, Counters counters) {
        this.tuple = tuple;
        this.link = link;
        this.username = username;
        this.quotaUser = quotaUser;
        this.allocateTransaction = allocateTransaction;
        this.bucket = bucket;
        this.counters = counters;
    }

    boolean isActive() {
        return state == State.ACTIVE;
    }

    /** The relayed socket of {@code peer}'s address family, or null when the allocation has none of that family. */
    Channel relayFor(InetAddress peer) {
        if (sameFamily(relayed, peer)) {
            return relay;
        }
        return sameFamily(relayed2, peer) ? relay2 : null;
    }

    /** The pending send run of {@code socket} (one of {@link #relay}, {@link #relay2}). */
    GsoRun runOf(Channel socket) {
        return socket == relay ? run : run2;
    }

    /** Whether a relayed address of the allocation has {@code peer}'s family (else 443, RFC 8656 §10.2/§11.2). */
    boolean hasFamilyOf(InetAddress peer) {
        return sameFamily(relayed, peer) || sameFamily(relayed2, peer);
    }

    /** Whether the allocation relays in {@code family} (RequestedAddressFamily.IPV4 or IPV6). */
    boolean hasFamily(int family) {
        return relayed != null && RelayFamilies.of(relayed.getAddress()) == family
                || relayed2 != null && RelayFamilies.of(relayed2.getAddress()) == family;
    }

    /**
     * Closes the relayed socket of {@code family} in a dual allocation (Refresh with lifetime 0 and
     * REQUESTED-ADDRESS-FAMILY); the other becomes the only one. False when that would leave none.
     */
    boolean dropFamily(int family) {
        if (relay2 == null) {
            return false;
        }
        Channel gone;
        GsoRun goneRun;
        if (RelayFamilies.of(relayed2.getAddress()) == family) {
            gone = relay2;
            goneRun = run2;
        } else {
            gone = relay;
            goneRun = run;
            relay = relay2;
            relayed = relayed2;
            port = relayed2.getPort();
            run = run2;
            run2 = goneRun;
        }
        goneRun.drain(gone);
        gone.close();
        relay2 = null;
        relayed2 = null;
        return true;
    }

    private static boolean sameFamily(InetSocketAddress relayed, InetAddress peer) {
        return relayed != null && relayed.getAddress().getAddress().length == peer.getAddress().length;
    }

    void permit(InetAddress peer, long expiresAt) {
        if (permissions.put(peer, expiresAt) == null) {
            counters.permissionsActive.increment();
        }
    }

    boolean permitted(InetAddress peer, long now) {
        Long until = permissions.get(peer);
        return until != null && now - until < 0;
    }

    /** True when {@code number} may be bound to {@code peer}: both free, or already bound to each other. */
    boolean canBind(int number, InetSocketAddress peer) {
        Binding byNumber = channelsByNumber.get(number);
        Binding byPeer = channelsByPeer.get(peer);
        boolean numberOk = byNumber == null || byNumber.peer.equals(peer);
        boolean peerOk = byPeer == null || byPeer.number == number;
        return numberOk && peerOk;
    }

    void bind(int number, InetSocketAddress peer, long expiresAt, long reservedUntil) {
        Binding b = channelsByNumber.get(number);
        if (b == null) {
            b = new Binding(number, peer);
            channelsByNumber.put(number, b);
            channelsByPeer.put(peer, b);
            counters.channelsActive.increment();
        }
        b.expiresAt = expiresAt;
        b.reservedUntil = reservedUntil;
    }

    /** The peer of a live channel, or null. */
    InetSocketAddress channelPeer(int number, long now) {
        Binding b = channelsByNumber.get(number);
        return b != null && now - b.expiresAt < 0 ? b.peer : null;
    }

    /** The live channel bound to {@code peer}, or -1. */
    int channelOf(InetSocketAddress peer, long now) {
        Binding b = channelsByPeer.get(peer);
        return b != null && now - b.expiresAt < 0 ? b.number : -1;
    }

    /** Drops expired permissions and channels whose reservation ended; keeps the gauges honest. */
    void sweep(long now) {
        for (Iterator<Long> it = permissions.values().iterator(); it.hasNext(); ) {
            if (now - it.next() >= 0) {
                it.remove();
                counters.permissionsActive.decrement();
            }
        }
        for (Iterator<Binding> it = channelsByNumber.values().iterator(); it.hasNext(); ) {
            Binding b = it.next();
            if (now - b.reservedUntil >= 0) {
                it.remove();
                channelsByPeer.remove(b.peer);
                counters.channelsActive.decrement();
            }
        }
    }

    /** Cancels timers, closes the relayed socket and un-counts what it held. Idempotent. */
    void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
        }
        if (sweepTimer != null) {
            sweepTimer.cancel(false);
        }
        if (relay != null) {
            run.drain(relay); // written to a closing channel: released, not leaked
            relay.close();
        }
        if (relay2 != null) {
            run2.drain(relay2);
            relay2.close();
        }
        if (tcpRelay != null) {
            tcpRelay.close();
        }
        counters.permissionsActive.add(-permissions.size());
        counters.channelsActive.add(-channelsByNumber.size());
        permissions.clear();
        channelsByNumber.clear();
        channelsByPeer.clear();
    }

    @Override
    public String toString() {
        return "allocation " + tuple + " relayed " + relayed + (relayed2 != null ? " and " + relayed2 : "")
                + " user " + username;
    }
}
