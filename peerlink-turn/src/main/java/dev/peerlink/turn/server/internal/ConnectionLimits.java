package dev.peerlink.turn.server.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client connections open at once, in total and per source IP, shared by the TCP and TLS listeners: one
 * address cannot take every slot (a connection costs a socket and, with TLS, a handshake).
 */
public final class ConnectionLimits {
    private final int maxTotal;
    private final int maxPerIp;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perIp = new ConcurrentHashMap<>();

    public ConnectionLimits(int maxTotal, int maxPerIp) {
        this.maxTotal = maxTotal;
        this.maxPerIp = maxPerIp;
    }

    /** Counts a connection from {@code ip} in, or returns false (counting nothing) when a limit is reached. */
    public boolean tryOpen(InetAddress ip) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return false;
        }
        boolean[] ok = {false};
        perIp.compute(ip, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= maxPerIp) {
                return n;
            }
            ok[0] = true;
            return now + 1;
        });
        if (!ok[0]) {
            total.decrementAndGet();
        }
        return ok[0];
    }

    public void closed(InetAddress ip) {
        perIp.computeIfPresent(ip, (k, n) -> n > 1 ? n - 1 : null);
        total.decrementAndGet();
    }

    /** Connections open now from {@code ip}. */
    public int open(InetAddress ip) {
        return perIp.getOrDefault(ip, 0);
    }
}
