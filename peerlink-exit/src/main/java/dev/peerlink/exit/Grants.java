package dev.peerlink.exit;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which requesters a provider serves right now: those whose access request it accepted (the server matched them and
 * the provider's policy admitted them), for a while after. A requester that keeps finding keeps its grant fresh.
 */
public final class Grants {
    private final ConcurrentHashMap<String, Long> until = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public Grants(LongSupplier clock) {
        this.clock = clock;
    }

    public Grants() {
        this(System::currentTimeMillis);
    }

    public void grant(String requester, Duration ttl) {
        long expiry = clock.getAsLong() + ttl.toMillis();
        until.merge(requester, expiry, Math::max);
    }

    public void revoke(String requester) {
        until.remove(requester);
    }

    public boolean admits(String requester) {
        Long u = until.get(requester);
        if (u == null) {
            return false;
        }
        if (u < clock.getAsLong()) {
            until.remove(requester, u);
            return false;
        }
        return true;
    }
}
