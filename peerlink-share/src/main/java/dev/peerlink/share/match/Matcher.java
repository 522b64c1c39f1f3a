package dev.peerlink.share.match;

import dev.peerlink.share.wire.Conditions;
import dev.peerlink.share.wire.LinkState;
import dev.peerlink.share.wire.ShareOffer;
import java.util.Optional;

/**
 * Does a provider's offer and state satisfy a requester's conditions (seed 001 claim 10)? Unknown measures on the
 * provider's side never satisfy a threshold the requester set: a requester who asks for 5 Mbit/s is not sent to a
 * provider that does not know its rate.
 */
public final class Matcher {
    private Matcher() {}

    /** Empty when it matches, else the first reason it does not (a short [a-z-] label). */
    public static Optional<String> mismatch(Conditions need, ShareOffer offer, LinkState state) {
        if (!offer.services().containsAll(need.services())) {
            return Optional.of("service");
        }
        if (!need.links().isEmpty() && need.links().stream().noneMatch(offer.links()::contains)) {
            return Optional.of("link");
        }
        for (int port : need.ports()) {
            if (!offer.limits().allowsPort(port)) {
                return Optional.of("port");
            }
        }
        if (!state.online()) {
            return Optional.of("offline");
        }
        if (need.minDownKbps() > 0 && !(state.downKbps() >= need.minDownKbps())) {
            return Optional.of("downlink");
        }
        if (need.minUpKbps() > 0 && !(state.upKbps() >= need.minUpKbps())) {
            return Optional.of("uplink");
        }
        if (need.maxRttMs() > 0 && !(state.rttMs() <= need.maxRttMs())) {
            return Optional.of("rtt");
        }
        if (need.maxLossPct() > 0 && !(state.lossPct() <= need.maxLossPct())) {
            return Optional.of("loss");
        }
        if (!need.allowMetered() && state.metered()) {
            return Optional.of("metered");
        }
        if (need.minBatteryPct() > 0 && state.batteryPct() >= 0 && state.batteryPct() < need.minBatteryPct()) {
            return Optional.of("battery");
        }
        return Optional.empty();
    }

    /**
     * A cheap pre-check on what the provider announced, before asking it: only the fixed parts of its offer (services,
     * links, ports, metered). Its live state is judged on its answer.
     */
    public static boolean mayMatch(Conditions need, ShareOffer offer, LinkState announced) {
        if (!offer.services().containsAll(need.services())) {
            return false;
        }
        if (!need.links().isEmpty() && need.links().stream().noneMatch(offer.links()::contains)) {
            return false;
        }
        for (int port : need.ports()) {
            if (!offer.limits().allowsPort(port)) {
                return false;
            }
        }
        return need.allowMetered() || !announced.metered();
    }
}
