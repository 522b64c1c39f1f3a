package dev.peerlink.stun.nat;

/** NAT mapping behaviour (RFC 4787 §4.1, tested as in RFC 5780 §4.3). */
public enum MappingBehavior {
    ENDPOINT_INDEPENDENT("endpoint-independent"),
    ADDRESS_DEPENDENT("address-dependent"),
    ADDRESS_AND_PORT_DEPENDENT("address-and-port-dependent");

    private final String label;

    MappingBehavior(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
