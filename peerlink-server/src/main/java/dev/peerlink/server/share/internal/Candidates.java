package dev.peerlink.server.share.internal;

import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.match.Matcher;
import dev.peerlink.share.scene.Placement;
import dev.peerlink.share.scene.Scene;
import dev.peerlink.share.scene.SceneKind;
import dev.peerlink.share.wire.Conditions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Step one of a find (seed 001 claim 8): the live providers in the scene's range around the requester — spatial index
 * first, then the exact scene predicate — minus those whose announced policy or fixed offer rules the requester out.
 * Pure given the registry: no messages are sent here.
 */
public final class Candidates {
    /** A provider to ask, with its distance from the requester (NaN when unknown). */
    public record ToAsk(ProviderRegistry.Entry entry, double distanceMeters) {}

    /** What the selection found: providers to ask (nearest first) and why others were left out. */
    public record Selection(List<ToAsk> toAsk, int inRange, int refusedByPolicy, int unmatched) {}

    private Candidates() {}

    public static Selection select(ProviderRegistry registry, String requester, Placement me, Scene scene, Conditions need,
                                   int maxCandidates, int maxAsked, Predicate<String> online, long now) {
        List<ProviderRegistry.Entry> raw = scene.kind() == SceneKind.SAME_NETWORK
                ? registry.onNetworks(me.networks(), maxCandidates, now)
                : registry.near(me.location().point(), scene.boundingRadiusMeters(), maxCandidates, now);
        List<ToAsk> out = new ArrayList<>();
        int inRange = 0, policy = 0, unmatched = 0;
        for (ProviderRegistry.Entry e : raw) {
            if (e.deviceId().equals(requester) || !scene.admits(me, e.placement()) || !online.test(e.deviceId())) {
                continue;
            }
            inRange++;
            if (!e.announce().policy().admits(requester, null)) {
                policy++;
                continue;
            }
            if (!Matcher.mayMatch(need, e.announce().offer(), e.announce().state())) {
                unmatched++;
                continue;
            }
            double d = me.location() == null || e.placement().location() == null ? Double.NaN
                    : Geodesy.distance3dMeters(me.location().point(), e.placement().location().point());
            out.add(new ToAsk(e, d));
        }
        out.sort((a, b) -> Double.compare(nanLast(a.distanceMeters()), nanLast(b.distanceMeters())));
        return new Selection(out.subList(0, Math.min(maxAsked, out.size())), inRange, policy, unmatched);
    }

    private static double nanLast(double d) {
        return Double.isNaN(d) ? Double.MAX_VALUE : d;
    }
}
