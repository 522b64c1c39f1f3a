package dev.peerlink.server.cluster;

import java.util.function.Consumer;

/** Messages between server instances, addressed by instance id. The single-process server has none ({@link #LOCAL}). */
public interface ClusterBus {
    /** Sends {@code m} to {@code instance}; best effort (a lost message is a connect that times out). */
    void publish(String instance, ClusterMessage m);

    /** Sends {@code m} to every other instance (cache invalidations); best effort, as {@link #publish}. */
    void broadcast(ClusterMessage m);

    /**
     * {@code r} runs whenever messages may have been lost (the bus reconnected), so state fed by broadcasts (the
     * alias caches) starts over instead of staying stale.
     */
    default void onPossibleLoss(Runnable r) {
    }

    /** Where messages addressed to this instance go (one handler; set once at start). */
    void subscribe(Consumer<ClusterMessage> inbound);

    ClusterBus LOCAL = new ClusterBus() {
        @Override
        public void publish(String instance, ClusterMessage m) {}

        @Override
        public void broadcast(ClusterMessage m) {}

        @Override
        public void subscribe(Consumer<ClusterMessage> inbound) {}
    };
}
