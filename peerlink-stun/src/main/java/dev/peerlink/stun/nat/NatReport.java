package dev.peerlink.stun.nat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What behaviour discovery learned. Anything it could not determine is empty rather than guessed;
 * {@link #partial()} says some part is missing and {@link #notes()} says why.
 *
 * @param bindingLifetime lower and upper bound, when the lifetime test ran
 */
public record NatReport(
        InetSocketAddress server,
        Optional<InetSocketAddress> otherAddress,
        InetSocketAddress localAddress,
        Optional<InetSocketAddress> publicAddress,
        boolean behindNat,
        Optional<MappingBehavior> mapping,
        Optional<FilteringBehavior> filtering,
        Optional<NatType> type,
        Optional<Boolean> hairpinning,
        PortAllocation portAllocation,
        Optional<LifetimeEstimate> bindingLifetime,
        boolean rfc5780,
        boolean partial,
        List<String> notes,
        Duration elapsed) {

    /** The binding outlived {@code atLeast}; it was gone by {@code below} (empty if never seen to expire). */
    public record LifetimeEstimate(Duration atLeast, Optional<Duration> below) {}

    public NatReport {
        notes = List.copyOf(notes);
    }
}
