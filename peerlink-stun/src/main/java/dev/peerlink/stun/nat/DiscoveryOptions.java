package dev.peerlink.stun.nat;

import dev.peerlink.stun.client.RetransmissionPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * Knobs for {@link NatBehaviorDiscovery}.
 *
 * @param portSamples bindings from fresh local ports used to judge port allocation (0 skips it)
 * @param lifetimeProbeLimit run the binding-lifetime estimate up to this long (empty skips it)
 */
public record DiscoveryOptions(RetransmissionPolicy retransmission, boolean hairpinning, int portSamples,
                               Optional<Duration> lifetimeProbeLimit) {
    public static final DiscoveryOptions DEFAULT =
            new DiscoveryOptions(RetransmissionPolicy.RFC_8489, true, 5, Optional.empty());

    public DiscoveryOptions withRetransmission(RetransmissionPolicy policy) {
        return new DiscoveryOptions(policy, hairpinning, portSamples, lifetimeProbeLimit);
    }

    public DiscoveryOptions withLifetimeProbe(Duration limit) {
        return new DiscoveryOptions(retransmission, hairpinning, portSamples, Optional.of(limit));
    }

    public DiscoveryOptions withPortSamples(int samples) {
        return new DiscoveryOptions(retransmission, hairpinning, samples, lifetimeProbeLimit);
    }

    public DiscoveryOptions withHairpinning(boolean test) {
        return new DiscoveryOptions(retransmission, test, portSamples, lifetimeProbeLimit);
    }
}
