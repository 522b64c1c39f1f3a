package dev.peerlink.portmap;

import java.net.InetAddress;

/** Events of a {@link PortMapper}; called from its maintenance thread, so implementations must not block long. */
public interface PortMapListener {
    /** The gateway's external address changed (seen by a periodic check, a renewal or a PCP/NAT-PMP epoch reset). */
    default void externalAddressChanged(InetAddress previous, InetAddress current) {
    }

    /** A mapping was renewed, or re-created after the gateway lost it; {@code current} may differ from {@code previous}. */
    default void mappingRenewed(PortMapping previous, PortMapping current) {
    }

    /** A mapping could not be renewed and is gone; the mapper keeps retrying at its check interval. */
    default void mappingLost(PortMapping mapping, PortMapException cause) {
    }

    /** The gateway restarted or lost state (PCP / NAT-PMP epoch went backwards); all mappings are being re-created. */
    default void gatewayReset(MappingProtocol protocol) {
    }
}
