package dev.peerlink.portmap;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One mapping on the gateway: traffic to {@code external} is forwarded to {@code internal}.
 *
 * @param protocol which gateway protocol created it
 * @param transport UDP or TCP
 * @param internal this host's address and port the gateway forwards to
 * @param external the gateway's public address and port (the address may be unknown for UPnP gateways that do not
 *                 answer GetExternalIPAddress: then it is the unresolved {@code 0.0.0.0})
 * @param lease lease granted by the gateway; {@link Duration#ZERO} means permanent (UPnP gateways that only support
 *              permanent leases, error 725) — such a mapping is still refreshed by re-adding it periodically
 * @param obtained when the gateway granted it
 */
public record PortMapping(MappingProtocol protocol, Transport transport, InetSocketAddress internal,
                          InetSocketAddress external, Duration lease, Instant obtained) {
    public PortMapping {
        Objects.requireNonNull(protocol);
        Objects.requireNonNull(transport);
        Objects.requireNonNull(internal);
        Objects.requireNonNull(external);
        Objects.requireNonNull(lease);
        Objects.requireNonNull(obtained);
    }

    /** Whether the gateway granted a permanent lease (only UPnP, after error 725). */
    public boolean permanent() {
        return lease.isZero();
    }

    /** When the gateway drops the mapping unless it is renewed; {@link Instant#MAX} for a permanent lease. */
    public Instant expiry() {
        return permanent() ? Instant.MAX : obtained.plus(lease);
    }

    /** One line, e.g. {@code pcp udp 10.0.3.2:4000 -> 203.0.113.103:4000 lease 7200s}. */
    public String describe() {
        return protocol.cliName() + " " + transport.name().toLowerCase(java.util.Locale.ROOT) + " "
                + hostPort(internal) + " -> " + hostPort(external)
                + (permanent() ? " lease permanent" : " lease " + lease.toSeconds() + "s");
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return host + ":" + a.getPort();
    }

    @Override
    public String toString() {
        return describe();
    }
}
