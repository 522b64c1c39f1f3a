package dev.peerlink.testkit.netns;

/**
 * The NAT behaviours the bed builds, in classic STUN (RFC 3489) names. Each constant states the RFC 4787 / 5780
 * mapping and filtering behaviour its router actually implements, and how it allocates external ports.
 */
public enum NatType {
    /** Endpoint-independent mapping and filtering: anyone may send to a live mapping. */
    FULL_CONE(Coturn.Mapping.ENDPOINT_INDEPENDENT, Coturn.Filtering.ENDPOINT_INDEPENDENT, true,
            PortAllocation.PRESERVING),
    /** Endpoint-independent mapping; inbound only from addresses the inside host has sent to. */
    RESTRICTED_CONE(Coturn.Mapping.ENDPOINT_INDEPENDENT, Coturn.Filtering.ADDRESS_DEPENDENT, true,
            PortAllocation.PRESERVING),
    /** Endpoint-independent mapping; inbound only from address:port pairs the inside host has sent to. */
    PORT_RESTRICTED_CONE(Coturn.Mapping.ENDPOINT_INDEPENDENT, Coturn.Filtering.ADDRESS_AND_PORT_DEPENDENT, true,
            PortAllocation.PRESERVING),
    /**
     * A fresh random external port per destination address:port ({@code masquerade fully-random}); filtering
     * follows conntrack. The bed has two of these ({@code bed.router(SYMMETRIC, 0)} and {@code (SYMMETRIC, 1)}),
     * so two symmetric peers can be made to talk through a relay. External ports come from
     * {@link Router#externalPortRange()}.
     */
    SYMMETRIC(Coturn.Mapping.ADDRESS_AND_PORT_DEPENDENT, Coturn.Filtering.ADDRESS_AND_PORT_DEPENDENT, false,
            PortAllocation.RANDOM),
    /**
     * Symmetric like {@link #SYMMETRIC} (a new mapping per destination address:port, conntrack filtering), but
     * external ports are handed out in order, {@code first, first+delta, first+2*delta, ...} per new mapping of any
     * LAN host, as many carrier-grade NATs do: the case port prediction is for. See {@link Router#portDelta()}
     * and {@link Router#externalPortRange()}.
     */
    SYMMETRIC_SEQUENTIAL(Coturn.Mapping.ADDRESS_AND_PORT_DEPENDENT, Coturn.Filtering.ADDRESS_AND_PORT_DEPENDENT,
            false, PortAllocation.SEQUENTIAL);

    /** How a router picks the external port of a new mapping. */
    public enum PortAllocation {
        /** Keeps the inside source port while it is free (Linux {@code masquerade}). */
        PRESERVING,
        /** Uniformly random within {@link Router#externalPortRange()}. */
        RANDOM,
        /** The previous new mapping's port plus a constant {@link Router#portDelta()}. */
        SEQUENTIAL
    }

    private final Coturn.Mapping mapping;
    private final Coturn.Filtering filtering;
    private final boolean hairpinning;
    private final PortAllocation portAllocation;

    NatType(Coturn.Mapping mapping, Coturn.Filtering filtering, boolean hairpinning, PortAllocation portAllocation) {
        this.mapping = mapping;
        this.filtering = filtering;
        this.hairpinning = hairpinning;
        this.portAllocation = portAllocation;
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

    /** How the router allocates external ports for new mappings. */
    public PortAllocation portAllocation() {
        return portAllocation;
    }

    /** Whether the mapping is endpoint-independent (one of the cone types). */
    boolean endpointIndependent() {
        return mapping == Coturn.Mapping.ENDPOINT_INDEPENDENT;
    }
}
