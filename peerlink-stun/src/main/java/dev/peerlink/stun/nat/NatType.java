package dev.peerlink.stun.nat;

/** The classic (RFC 3489) names, derived from mapping and filtering behaviour. */
public enum NatType {
    OPEN_INTERNET("open-internet"),
    SYMMETRIC_UDP_FIREWALL("symmetric-udp-firewall"),
    FULL_CONE("full-cone"),
    RESTRICTED_CONE("restricted-cone"),
    PORT_RESTRICTED_CONE("port-restricted-cone"),
    SYMMETRIC("symmetric"),
    UDP_BLOCKED("udp-blocked");

    private final String label;

    NatType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * Classifies a host. {@code behindNat} is false when the mapped address equals a local one.
     * Address-dependent mapping is reported as symmetric: peers see a new port per destination.
     */
    public static NatType classify(boolean behindNat, MappingBehavior mapping, FilteringBehavior filtering) {
        if (!behindNat) {
            return filtering == FilteringBehavior.ENDPOINT_INDEPENDENT ? OPEN_INTERNET : SYMMETRIC_UDP_FIREWALL;
        }
        if (mapping != MappingBehavior.ENDPOINT_INDEPENDENT) {
            return SYMMETRIC;
        }
        return switch (filtering) {
            case ENDPOINT_INDEPENDENT -> FULL_CONE;
            case ADDRESS_DEPENDENT -> RESTRICTED_CONE;
            case ADDRESS_AND_PORT_DEPENDENT -> PORT_RESTRICTED_CONE;
        };
    }
}
