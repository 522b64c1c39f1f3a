package dev.peerlink.portmap;

/** The transport protocol of a port mapping. */
public enum Transport {
    UDP(17), TCP(6);

    private final int ipProtocolNumber;

    Transport(int ipProtocolNumber) {
        this.ipProtocolNumber = ipProtocolNumber;
    }

    /** IANA protocol number (PCP carries it on the wire): 17 for UDP, 6 for TCP. */
    public int ipProtocolNumber() {
        return ipProtocolNumber;
    }

    /** NAT-PMP opcode of a mapping request: 1 for UDP, 2 for TCP (RFC 6886 section 3.3). */
    public int natPmpOpcode() {
        return this == UDP ? 1 : 2;
    }

    /** UPnP's spelling: {@code UDP} or {@code TCP}. */
    public String upnpName() {
        return name();
    }

    public static Transport parse(String s) {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
