package dev.peerlink.portmap;

/**
 * The gateway protocol that created a mapping. {@link PortMapper} tries them in this declaration order, see
 * {@code docs/portmap.md} for why.
 */
public enum MappingProtocol {
    /** Port Control Protocol, RFC 6887 (MAP opcode). */
    PCP,
    /** NAT Port Mapping Protocol, RFC 6886. */
    NAT_PMP,
    /** UPnP Internet Gateway Device v1/v2 (WANIPConnection / WANPPPConnection). */
    UPNP;

    /** Command-line spelling: {@code pcp}, {@code natpmp}, {@code upnp}. */
    public String cliName() {
        return switch (this) {
            case PCP -> "pcp";
            case NAT_PMP -> "natpmp";
            case UPNP -> "upnp";
        };
    }

    public static MappingProtocol parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "pcp" -> PCP;
            case "natpmp", "nat-pmp", "nat_pmp", "pmp" -> NAT_PMP;
            case "upnp", "igd" -> UPNP;
            default -> throw new IllegalArgumentException("unknown mapping protocol: " + s + " (pcp, natpmp, upnp)");
        };
    }
}
