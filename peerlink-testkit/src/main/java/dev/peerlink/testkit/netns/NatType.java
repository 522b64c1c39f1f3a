package dev.peerlink.testkit.netns;

/**
 * The NAT behaviours the bed builds, in classic STUN (RFC 3489) names. Each constant states the RFC 4787 / 5780
 * mapping and filtering behaviour its router actually implements.
 */
public enum NatType {
    /** Endpoint-independent mapping and filtering: anyone may send to a live mapping. */
    FULL_CONE(Coturn.Mapping.ENDPOINT_INDEPENDENT, Coturn.Filtering.ENDPOINT_INDEPENDENT, true),
    /** Endpoint-independent mapping; inbound only from addresses the inside host has sent to. */
    RESTRICTED_CONE(Coturn.Mapping.ENDPOINT_INDEPENDENT, Coturn.Filtering.ADDRESS_DEPENDENT, true),
    /** Endpoint-independent mapping; inbound only from address:port pairs the inside host has sent to. */
    PORT_RESTRICTED_CONE(Coturn.Mapping.ENDPOINT_INDEPENDENT, Coturn.Filtering.ADDRESS_AND_PORT_DEPENDENT, true),
    /** A fresh random external port per destination address:port; filtering follows conntrack. */
    SYMMETRIC(Coturn.Mapping.ADDRESS_AND_PORT_DEPENDENT, Coturn.Filtering.ADDRESS_AND_PORT_DEPENDENT, false);

    private final Coturn.Mapping mapping;
    private final Coturn.Filtering filtering;
    private final boolean hairpinning;

    NatType(Coturn.Mapping mapping, Coturn.Filtering filtering, boolean hairpinning) {
        this.mapping = mapping;
        this.filtering = filtering;
        this.hairpinning = hairpinning;
    }

    /** RFC 4787 mapping behaviour of this router. */
    public Coturn.Mapping mapping() {
        return mapping;
    }

    /** RFC 4787 filtering behaviour of this router. */
    public Coturn.Filtering filtering() {
        return filtering;
    }

    /** Whether the router loops LAN packets sent to its own WAN mappings back into the LAN. */
    public boolean hairpinning() {
        return hairpinning;
    }
}
