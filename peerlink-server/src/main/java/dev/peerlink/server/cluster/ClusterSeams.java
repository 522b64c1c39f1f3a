package dev.peerlink.server.cluster;

import dev.peerlink.server.share.internal.ProviderRegistry;
import dev.peerlink.share.qos.QosStore;
import java.util.Optional;

/**
 * What makes a server instance one of several: a shared device registry, presence and a bus between instances.
 * {@link #local()} is the single-process server (SQLite registry in the data directory, no presence, no bus).
 *
 * @param instanceId this instance's name on the bus and in presence entries
 * @param registry the shared registry; empty: the SQLite {@code DeviceStore}
 * @param providers the sharing provider registry every instance answers from; empty: one in memory
 * @param qos the QoS store every instance merges its samples into and predicts from; empty: SQLite in the data directory
 */
public record ClusterSeams(String instanceId, Optional<DeviceRegistry> registry, Presence presence, ClusterBus bus,
                           Optional<ProviderRegistry> providers, Optional<QosStore> qos) {
    public ClusterSeams(String instanceId, Optional<DeviceRegistry> registry, Presence presence, ClusterBus bus) {
        this(instanceId, registry, presence, bus, Optional.empty(), Optional.empty());
    }

    public static ClusterSeams local() {
        return new ClusterSeams(null, Optional.empty(), Presence.LOCAL, ClusterBus.LOCAL);
    }

    public boolean clustered() {
        return instanceId != null;
    }
}
