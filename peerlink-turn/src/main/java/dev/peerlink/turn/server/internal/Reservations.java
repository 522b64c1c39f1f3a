package dev.peerlink.turn.server.internal;

import io.netty.channel.Channel;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Relayed ports reserved by EVEN-PORT's R bit, by RESERVATION-TOKEN (RFC 8656 §7.2). A reserved
 * port stays claimed in {@link RelayPorts} and bound by a placeholder socket (so no other process
 * takes it) until an Allocate redeems the token or 30 s pass. Tokens are random 64-bit values, so
 * one client cannot guess another's.
 */
final class Reservations {
    /** RFC 8656 §7.2: "the server SHOULD reserve the port ... for 30 seconds". */
    static final long LIFETIME_SECONDS = 30;

    /** A reserved port and the socket holding it. */
    record Reserved(int port, Channel placeholder) {}

    private record Entry(Reserved reserved, ScheduledFuture<?> expiry) {}

    private final RelayPorts ports;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, Entry> byToken = new ConcurrentHashMap<>();

    Reservations(RelayPorts ports) {
        this.ports = ports;
    }

    /** Reserves {@code port} (already claimed and bound by {@code placeholder}); returns its token. */
    long reserve(int port, Channel placeholder) {
        long token;
        do {
            token = random.nextLong();
        } while (token == 0 || byToken.containsKey(token));
        long t = token;
        Reserved r = new Reserved(port, placeholder);
        ScheduledFuture<?> expiry = placeholder.eventLoop().schedule(() -> {
            Entry e = byToken.get(t);
            if (e != null && byToken.remove(t, e)) {
                discard(r);
            }
        }, LIFETIME_SECONDS, TimeUnit.SECONDS);
        byToken.put(t, new Entry(r, expiry));
        return t;
    }

    /** The reservation for {@code token}, which is used up; null when unknown or expired. */
    Reserved take(long token) {
        Entry e = byToken.remove(token);
        if (e == null) {
            return null;
        }
        e.expiry.cancel(false);
        return e.reserved;
    }

    /** The IP of {@code token}'s reserved port (its address family), or null when unknown or expired. */
    java.net.InetAddress ip(long token) {
        Entry e = byToken.get(token);
        return e == null ? null : ((java.net.InetSocketAddress) e.reserved.placeholder.localAddress()).getAddress();
    }

    /** Gives a reserved port up: closes its placeholder and releases the claim. */
    void discard(Reserved r) {
        r.placeholder.close().addListener(f -> ports.release(r.port));
    }

    int size() {
        return byToken.size();
    }

    void closeAll() {
        for (Long token : byToken.keySet()) {
            Reserved r = take(token);
            if (r != null) {
                discard(r);
            }
        }
    }
}
