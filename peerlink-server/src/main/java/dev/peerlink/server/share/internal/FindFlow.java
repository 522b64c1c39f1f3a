package dev.peerlink.server.share.internal;

import dev.peerlink.share.match.Matcher;
import dev.peerlink.share.match.Ranking;
import dev.peerlink.share.wire.Conditions;
import dev.peerlink.share.wire.ShareBody;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One find waiting for its providers' answers (seed 001 claims 9-11): the access requests it sent, the answers so far,
 * and the reply once every provider answered or the deadline passed. Thread-safe (answers arrive on the providers'
 * event loops, the deadline on a scheduler).
 */
public final class FindFlow {
    /** A provider asked: which request, its distance (rounded for the requester), its public key. */
    record Asked(String provider, String publicKey, double distanceMeters) {}

    private final Conditions need;
    private final int count;
    private final Map<String, Asked> asked = new HashMap<>();
    private final Map<String, ShareBody.AccessAnswer> answers = new HashMap<>();
    private final Consumer<ShareBody.Found> reply;
    private final int candidates, refusedByPolicy, unmatchedBeforeAsking;
    private final String locationSource;
    private final double accuracy;
    private boolean done;

    public FindFlow(Conditions need, int count, Candidates.Selection selection, String locationSource, double accuracy,
                    Consumer<ShareBody.Found> reply) {
        this.need = need;
        this.count = count;
        this.candidates = selection.inRange();
        this.refusedByPolicy = selection.refusedByPolicy();
        this.unmatchedBeforeAsking = selection.unmatched();
        this.locationSource = locationSource;
        this.accuracy = accuracy;
        this.reply = reply;
    }

    public synchronized void add(String request, String provider, String publicKey, double distanceMeters) {
        asked.put(request, new Asked(provider, publicKey, distanceMeters));
    }

    /** The provider a request went to, or null. */
    public synchronized String providerOf(String request) {
        Asked a = asked.get(request);
        return a == null ? null : a.provider();
    }

    /** Records an answer; completes the find when it was the last one. */
    public void answer(String request, ShareBody.AccessAnswer answer) {
        boolean all;
        synchronized (this) {
            if (done || !asked.containsKey(request)) {
                return;
            }
            answers.put(request, answer);
            all = answers.size() == asked.size();
        }
        if (all) {
            finish();
        }
    }

    /** Completes with what arrived (the deadline); a second call does nothing. */
    public void finish() {
        ShareBody.Found found;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            found = result();
        }
        reply.accept(found);
    }

    public synchronized boolean isDone() {
        return done;
    }

    public synchronized java.util.Set<String> requests() {
        return java.util.Set.copyOf(asked.keySet());
    }

    private ShareBody.Found result() {
        int accepted = 0, declined = 0, policy = refusedByPolicy, unmatched = unmatchedBeforeAsking;
        List<ShareBody.Match> matches = new ArrayList<>();
        for (Map.Entry<String, Asked> e : asked.entrySet()) {
            ShareBody.AccessAnswer ans = answers.get(e.getKey());
            if (ans == null) {
                continue;
            }
            if (!ans.accept()) {
                if ("policy".equals(ans.reason())) {
                    policy++;
                } else {
                    declined++;
                }
                continue;
            }
            accepted++;
            Optional<String> why = Matcher.mismatch(need, ans.offer(), ans.state());
            if (why.isPresent()) {
                unmatched++;
                continue;
            }
            Asked a = e.getValue();
            matches.add(new ShareBody.Match(a.provider(), a.publicKey(), Ranking.roundDistance(a.distanceMeters()),
                    ans.offer(), ans.state(), Ranking.score(ans.state(), a.distanceMeters())));
        }
        matches.sort(Comparator.comparingDouble(ShareBody.Match::score).reversed().thenComparing(ShareBody.Match::deviceId));
        int timedOut = asked.size() - answers.size();
        return new ShareBody.Found(matches.subList(0, Math.min(count, matches.size())),
                new ShareBody.FindStats(candidates, asked.size(), accepted, declined, timedOut, policy, unmatched),
                locationSource, accuracy);
    }
}
