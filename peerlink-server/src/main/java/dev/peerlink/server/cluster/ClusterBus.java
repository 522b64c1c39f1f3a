package dev.peerlink.server.cluster;

import java.util.function.Consumer;

/** Messages between server instances, addressed by instance id. The single-process server has none ({@link #LOCAL}). */
public interface ClusterBus {
    /** Sends {@code m} to {@code instance}; best effort (a lost message is a connect that times out). */
    void publish(String instance, ClusterMessage m);

    /** Where messages addressed to this instance go (one handler; set once at start). */
    void subscribe(Consumer<ClusterMessage> inbound);

    ClusterBus LOCAL = new ClusterBus() {
        @Override
        public void publish(String instance, ClusterMessage m) {}

        @Override
        public void subscribe(Consumer<ClusterMessage> inbound) {}
    };
}
