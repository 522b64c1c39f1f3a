package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.Transport;
import java.net.InetAddress;

/** One gateway protocol behind {@link dev.peerlink.portmap.PortMapper}. Blocking; implementations are thread-safe. */
public interface MappingBackend {
    /** What the gateway granted. {@code leaseSeconds == 0}: permanent (UPnP after 725). */
    record Grant(InetAddress externalAddress, int externalPort, long leaseSeconds) {
    }

    /**
     * Per-mapping state a backend needs between create, renew and delete (the PCP nonce, the UPnP external port).
     */
    final class Handle {
        public final Transport transport;
        public final int internalPort;
        public final byte[] nonce;
        public volatile int externalPort;

        public Handle(Transport transport, int internalPort, byte[] nonce) {
            this.transport = transport;
            this.internalPort = internalPort;
            this.nonce = nonce;
        }
    }

    MappingProtocol protocol();

    /** Cheap "does the gateway speak this?" check; throws UNAVAILABLE/TIMEOUT/... if not. */
    void probe() throws PortMapException;

    /** This host's address as the gateway sees it on the LAN. */
    InetAddress internalAddress() throws PortMapException;

    /** Creates or renews the mapping of {@code h}; {@code suggestedExternalPort} 0 = any. */
    Grant map(Handle h, int suggestedExternalPort, long leaseSeconds) throws PortMapException;

    void unmap(Handle h) throws PortMapException;

    InetAddress externalAddress() throws PortMapException;

    /** True once when a response since the last call showed the gateway lost its state (epoch); UPnP never. */
    default boolean takeEpochReset() {
        return false;
    }

    /** Whether the gateway still lists the mapping; {@code true} when the protocol cannot tell (PCP, NAT-PMP). */
    default boolean stillListed(Handle h) throws PortMapException {
        return true;
    }
}
