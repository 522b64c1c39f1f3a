package dev.peerlink.peer.internal.ladder;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Happy Eyeballs between address families (RFC 8305 §4-5) for the ladder's TCP dials and UDP checks: IPv6 first,
 * IPv4 after a short head start, families interleaved, first success wins. A v6 path thus wins when both work
 * (no NAT state on it, and where v4 is NATed it is the one that survives an address change of the v4 NAT), while a
 * dead v6 path costs v4 only the head start.
 */
public final class HappyEyeballs {
    /** How long IPv6 goes alone before the first IPv4 attempt (RFC 8305's resolution delay, 50 ms). */
    public static final Duration HEAD_START = Duration.ofMillis(50);

    private HappyEyeballs() {}

    static boolean v6(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address;
    }

    /** {@code candidates} interleaved by family, IPv6 first, each family in its given order. */
    public static List<InetSocketAddress> order(List<InetSocketAddress> candidates) {
        List<InetSocketAddress> six = candidates.stream().filter(HappyEyeballs::v6).toList();
        List<InetSocketAddress> four = candidates.stream().filter(a -> !v6(a)).toList();
        List<InetSocketAddress> out = new ArrayList<>(candidates.size());
        for (int i = 0; i < Math.max(six.size(), four.size()); i++) {
            if (i < six.size()) {
                out.add(six.get(i));
            }
            if (i < four.size()) {
                out.add(four.get(i));
            }
        }
        return out;
    }

    /**
     * When attempt {@code i} of {@code ordered} (an {@link #order} result) starts: {@code i * stagger} for one family;
     * with both, the second attempt (the first IPv4) after {@link #HEAD_START} and each later one {@code stagger} after
     * the one before.
     */
    public static Duration delay(List<InetSocketAddress> ordered, int i, Duration stagger) {
        boolean mixed = ordered.stream().anyMatch(HappyEyeballs::v6) && ordered.stream().anyMatch(a -> !v6(a));
        if (!mixed || i == 0) {
            return stagger.multipliedBy(i);
        }
        return HEAD_START.plus(stagger.multipliedBy(i - 1L));
    }
}
