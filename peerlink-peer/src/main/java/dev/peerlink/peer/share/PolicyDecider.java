package dev.peerlink.peer.share;

import dev.peerlink.share.wire.AccessPolicy;
import dev.peerlink.share.wire.ShareBody;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Decides access requests by policy, without asking anyone: {@code anyone}, a {@code list}, or the provider's own
 * {@code contacts} (which it never tells the server). Expired requests are declined.
 */
public final class PolicyDecider implements AccessDecider {
    private final AccessPolicy policy;
    private final Set<String> contacts;
    private final LongSupplier clock;

    public PolicyDecider(AccessPolicy policy, Set<String> contacts, LongSupplier clock) {
        this.policy = policy;
        this.contacts = Set.copyOf(contacts);
        this.clock = clock;
    }

    public PolicyDecider(AccessPolicy policy, Set<String> contacts) {
        this(policy, contacts, System::currentTimeMillis);
    }

    @Override
    public Decision decide(ShareBody.AccessRequest r) {
        if (clock.getAsLong() > r.expiresAt()) {
            return new Decline("expired");
        }
        return policy.admits(r.requester(), contacts) ? new Accept() : new Decline("policy");
    }
}
