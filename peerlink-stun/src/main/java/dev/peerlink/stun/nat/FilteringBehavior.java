package dev.peerlink.stun.nat;

/** NAT or firewall filtering behaviour (RFC 4787 §5, tested as in RFC 5780 §4.4). */
public enum FilteringBehavior {
    ENDPOINT_INDEPENDENT("endpoint-independent"),
    ADDRESS_DEPENDENT("address-dependent"),
    ADDRESS_AND_PORT_DEPENDENT("address-and-port-dependent");

    private final String label;

    FilteringBehavior(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
