package dev.peerlink.server.share;

import dev.peerlink.share.qos.QosStore;
import java.time.Duration;
import java.util.Optional;

/**
 * The sharing broker's limits (docs/sharing.md, "Limits").
 *
 * @param providerTtl an announce not refreshed for this long expires (providers refresh at a third of it)
 * @param maxAsked access requests one find sends at most (nearest candidates first)
 * @param maxCandidates candidates the spatial index returns at most before the scene predicate
 * @param findsPerMinute finds one device may make per minute ({@code findBurst} at once): a requester cannot map the
 *        providers' positions by moving its claimed location in a loop
 * @param announcesPerMinute announces (refreshes, moves) one device may send per minute, {@code announceBurst} at once
 * @param maxSpeedMps a requester's or provider's claimed position may not move faster than this between two messages
 *        (350 m/s: an airliner) unless the accuracies of the two positions cover the jump
 * @param qosReportsPerMinute QoS reports one device may send per minute (each up to 100 samples)
 * @param radioK neighbours of the Wi-Fi fingerprint k-NN
 * @param kAnonymity QoS-map cells with fewer distinct devices are not disclosed
 * @param sharedQos cluster mode: the QoS store every instance shares ({@code QosMap.shared}: each instance merges its
 *        samples into it and answers from it); empty (the default): the QoS map lives in this server's SQLite file.
 *        The store's owner closes it.
 */
public record ShareConfig(Duration providerTtl, int maxAsked, int maxCandidates, int findsPerMinute, int findBurst,
                          int announcesPerMinute, int announceBurst, double maxSpeedMps, int qosReportsPerMinute,
                          int radioK, int kAnonymity, Optional<QosStore> sharedQos) {
    public ShareConfig(Duration providerTtl, int maxAsked, int maxCandidates, int findsPerMinute, int findBurst,
                       int announcesPerMinute, int announceBurst, double maxSpeedMps, int qosReportsPerMinute, int radioK,
                       int kAnonymity) {
        this(providerTtl, maxAsked, maxCandidates, findsPerMinute, findBurst, announcesPerMinute, announceBurst, maxSpeedMps,
                qosReportsPerMinute, radioK, kAnonymity, Optional.empty());
    }

    public ShareConfig {
        sharedQos = sharedQos == null ? Optional.empty() : sharedQos;
        if (providerTtl.toMillis() < 1000 || maxAsked < 1 || maxCandidates < maxAsked || findsPerMinute < 1 || findBurst < 1
                || announcesPerMinute < 1 || announceBurst < 1 || !(maxSpeedMps > 0) || qosReportsPerMinute < 1 || radioK < 1
                || kAnonymity < 1) {
            throw new IllegalArgumentException("sharing limits must be positive");
        }
    }

    public static ShareConfig defaults() {
        return new ShareConfig(Duration.ofSeconds(120), 32, 512, 12, 4, 60, 10, 350, 60, 4, 5);
    }

    public ShareConfig withProviderTtl(Duration d) {
        return new ShareConfig(d, maxAsked, maxCandidates, findsPerMinute, findBurst, announcesPerMinute, announceBurst,
                maxSpeedMps, qosReportsPerMinute, radioK, kAnonymity, sharedQos);
    }

    public ShareConfig withFindRate(int perMinute, int burst) {
        return new ShareConfig(providerTtl, maxAsked, maxCandidates, perMinute, burst, announcesPerMinute, announceBurst,
                maxSpeedMps, qosReportsPerMinute, radioK, kAnonymity, sharedQos);
    }

    public ShareConfig withKAnonymity(int k) {
        return new ShareConfig(providerTtl, maxAsked, maxCandidates, findsPerMinute, findBurst, announcesPerMinute,
                announceBurst, maxSpeedMps, qosReportsPerMinute, radioK, k, sharedQos);
    }

    /** Cluster mode: the QoS map of every instance merges into and answers from {@code store} (e.g. PostgresQosStore). */
    public ShareConfig withSharedQos(QosStore store) {
        return new ShareConfig(providerTtl, maxAsked, maxCandidates, findsPerMinute, findBurst, announcesPerMinute,
                announceBurst, maxSpeedMps, qosReportsPerMinute, radioK, kAnonymity, Optional.of(store));
    }
}
