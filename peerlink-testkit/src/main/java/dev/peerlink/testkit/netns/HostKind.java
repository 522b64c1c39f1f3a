package dev.peerlink.testkit.netns;

import java.util.List;
import java.util.Optional;

/**
 * What kind of machine a bed {@link Host} is, for labelling results ({@link #label()} is the short name the
 * connection matrix prints: {@code open}, {@code firewalled}, {@code full-cone}, ...). The first six constants are
 * the matrix kinds ({@link #MATRIX}); the others are hosts outside the matrix.
 */
public enum HostKind {
    /** A public host without any filtering ({@code bed.openHost(i)}). */
    OPEN("open", null),
    /** A public host whose input firewall drops what it did not ask for ({@code bed.firewalledHost(i)}). */
    FIREWALLED("firewalled", null),
    FULL_CONE("full-cone", NatType.FULL_CONE),
    RESTRICTED_CONE("restricted-cone", NatType.RESTRICTED_CONE),
    PORT_RESTRICTED_CONE("port-restricted-cone", NatType.PORT_RESTRICTED_CONE),
    SYMMETRIC("symmetric", NatType.SYMMETRIC),
    /** Not part of the matrix: the port-prediction case. */
    SYMMETRIC_SEQUENTIAL("symmetric-sequential", NatType.SYMMETRIC_SEQUENTIAL),
    /** The public STUN/rendezvous server. */
    SERVER("server", null),
    /** On the home LAN behind the full-cone home router, accepts inbound ({@code bed.lanPhone()}). */
    LAN_PHONE("lan-phone", NatType.FULL_CONE),
    /** On the home LAN, its own input firewall drops inbound it did not ask for ({@code bed.lanPc()}). */
    LAN_PC("lan-pc", NatType.FULL_CONE),
    /** Behind a port-restricted cone router that drops all UDP ({@code builder().hostile()}, {@code bed.udpBlockedHost()}). */
    UDP_BLOCKED("udp-blocked", NatType.PORT_RESTRICTED_CONE),
    /** Behind a router that forwards only TCP to the bed's HTTP proxy host ({@code bed.proxyOnlyHost()}). */
    PROXY_ONLY("proxy-only", NatType.PORT_RESTRICTED_CONE),
    /** The public host the proxy-only router lets its LAN reach ({@code bed.proxyHost()}); runs the test's proxy. */
    PROXY("proxy", null),
    /**
     * Dual-stack home network ({@code builder().ipv6()}, {@code bed.dualStackHost(i)}): IPv4 behind a port-restricted
     * cone NAT, a global IPv6 address routed without NAT66 behind the router's stateful firewall.
     */
    DUAL_STACK("dual-stack", NatType.PORT_RESTRICTED_CONE),
    /** IPv6 only ({@code bed.ipv6OnlyHost()}): a global IPv6 address behind a stateful v6 firewall, no IPv4 at all. */
    IPV6_ONLY("ipv6-only", null);

    /** The kinds of the connection matrix, in matrix order. */
    public static final List<HostKind> MATRIX = List.of(OPEN, FIREWALLED, FULL_CONE, RESTRICTED_CONE,
            PORT_RESTRICTED_CONE, SYMMETRIC);

    private final String label;
    private final NatType natType;

    HostKind(String label, NatType natType) {
        this.label = label;
        this.natType = natType;
    }

    /** Short lower-case name, e.g. {@code port-restricted-cone}. */
    public String label() {
        return label;
    }

    /** The NAT the host sits behind; empty for public hosts. */
    public Optional<NatType> natType() {
        return Optional.ofNullable(natType);
    }

    /** The kind of the clients behind routers of {@code type}. */
    public static HostKind of(NatType type) {
        return switch (type) {
            case FULL_CONE -> FULL_CONE;
            case RESTRICTED_CONE -> RESTRICTED_CONE;
            case PORT_RESTRICTED_CONE -> PORT_RESTRICTED_CONE;
            case SYMMETRIC -> SYMMETRIC;
            case SYMMETRIC_SEQUENTIAL -> SYMMETRIC_SEQUENTIAL;
        };
    }

    /** The kind whose {@link #label()} is {@code label}. */
    public static HostKind ofLabel(String label) {
        for (HostKind k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no host kind labelled " + label);
    }
}
