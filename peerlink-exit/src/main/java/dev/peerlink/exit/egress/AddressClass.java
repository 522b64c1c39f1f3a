package dev.peerlink.exit.egress;

import java.util.List;
import java.util.Optional;

/**
 * The address ranges a provider never dials for someone else unless its owner opened them: anything that reaches
 * the provider itself, its LAN, its ISP's shared space or a cloud's metadata service instead of the internet.
 * Documentation ranges (TEST-NET 192.0.2/24, 198.51.100/24, 203.0.113/24) are deliberately not here.
 */
public enum AddressClass {
    UNSPECIFIED("unspecified", "0.0.0.0/8", "::/128"),
    LOOPBACK("loopback", "127.0.0.0/8", "::1/128"),
    PRIVATE("private", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10"),
    /** Includes the cloud metadata service 169.254.169.254. */
    LINK_LOCAL("link-local", "169.254.0.0/16", "fe80::/10"),
    CGNAT("carrier-grade NAT shared", "100.64.0.0/10"),
    MULTICAST("multicast", "224.0.0.0/4", "ff00::/8"),
    BROADCAST("broadcast", "255.255.255.255/32"),
    /** The rest of 240/4: never routed on the internet. */
    RESERVED("reserved", "240.0.0.0/4");

    private final String label;
    private final List<Cidr> blocks;

    AddressClass(String label, String... blocks) {
        this.label = label;
        this.blocks = java.util.Arrays.stream(blocks).map(Cidr::parse).toList();
    }

    public String label() {
        return label;
    }

    public List<Cidr> blocks() {
        return blocks;
    }

    /** The class {@code raw} (4 or 16 bytes, already unwrapped) falls in, first match in declaration order. */
    public static Optional<AddressClass> of(byte[] raw) {
        for (AddressClass c : values()) {
            for (Cidr b : c.blocks) {
                if (b.contains(raw)) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }
}
