package dev.peerlink.share.wire;

import java.util.EnumSet;
import java.util.Set;

/** What a provider's exit carries (seed 001's "service support type"); the wire name is {@link #wire()}. */
public enum ServiceType {
    SOCKS5("socks5"),
    HTTP_CONNECT("http-connect"),
    UDP("udp"),
    IPV6("ipv6");

    private final String wire;

    ServiceType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** @throws IllegalArgumentException naming the valid types */
    public static ServiceType fromWire(String name) {
        for (ServiceType t : values()) {
            if (t.wire.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown service type '" + name + "' (socks5, http-connect, udp, ipv6)");
    }

    /** Parses a comma-separated list as the CLI's {@code --services}/{@code --need} take it. */
    public static Set<ServiceType> parseList(String csv) {
        Set<ServiceType> out = EnumSet.noneOf(ServiceType.class);
        if (csv == null || csv.isBlank()) {
            return out;
        }
        for (String s : csv.split(",")) {
            out.add(fromWire(s.trim()));
        }
        return out;
    }
}
