package dev.peerlink.server.monitor;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.NetworkInfo.PortMapping;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * Which probe rounds this server instance runs, and where its devices' reports and foreign acks go: the seam cluster
 * mode plugs into ({@link MappingMonitor#scope}). {@link #SOLE}, the default, is one process owning every mapping:
 * the monitor then behaves exactly as it does without a scope. Methods are called outside the monitor's lock and must
 * not call back into the monitor synchronously.
 */
public interface MappingScope {
    /** One process, every mapping its own. */
    MappingScope SOLE = new MappingScope() {};

    /** A round due for a mapping at its current external endpoint. */
    record Due(MappingMonitor.Key key, InetSocketAddress external) {}

    /** True when {@code device}'s rounds are this instance's to run; cheap (asked for every due mapping). */
    default boolean owns(DeviceId device) {
        return true;
    }

    /**
     * Of rounds due on this instance, those another instance already ran this interval, each with the milliseconds
     * until it is due again; the rest start here now. May block briefly (one round trip).
     */
    default Map<Due, Long> claim(List<Due> due) {
        return Map.of();
    }

    /** A device connected to this instance reported its complete mappings; {@code mappings} empty: it is gone. */
    default void reported(DeviceId device, InetAddress observed, List<PortMapping> mappings) {}

    /** {@code device} acked a nonce this instance did not send: another instance may have. */
    default void foreignAck(DeviceId device, String nonce) {}
}
