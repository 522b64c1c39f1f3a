package dev.peerlink.testkit.netns;

/**
 * An inclusive range of external ports a NAT router allocates from: the {@code R} of the birthday-paradox
 * estimate {@code 1 - (1 - N/R)^M} (N ports opened on one side, M probes from the other).
 */
public record PortRange(int first, int last) {
    /**
     * What Linux NAT ({@code masquerade fully-random} without a port range) picks from for inside source ports
     * &ge; 1024: {@code nf_nat_l4proto_unique_tuple} uses 1024..65535 when no range is specified (ports 1..511
     * map into 1..511 and 512..1023 into 600..1023, which bed clients never use: their sockets are ephemeral).
     */
    public static final PortRange KERNEL_NAT_DEFAULT = new PortRange(1024, 65535);

    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("port range must satisfy 1 <= first <= last <= 65535: " + first + "-" + last);
        }
    }

    /** Number of ports in the range ({@code R}). */
    public int size() {
        return last - first + 1;
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    /** {@code first-last}, as nftables writes a port range. */
    @Override
    public String toString() {
        return first + "-" + last;
    }
}
