package dev.peerlink.protocol;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What a device knows about how it can be reached. Every part but the lists is optional (null).
 *
 * @param lan host addresses and the port the device listens on, from its interfaces (at most 32)
 * @param publicAddress the public mapping STUN saw, or null
 * @param nat NAT behaviour from RFC 5780 discovery, or null when not known
 * @param listen ports the device accepts inbound connections on, or null
 * @param mappings port mappings made on the gateway (UPnP / NAT-PMP / PCP; at most 16)
 */
public record NetworkInfo(List<InetSocketAddress> lan, InetSocketAddress publicAddress, Nat nat, Listen listen,
                          List<PortMapping> mappings) {
    public static final int MAX_LAN = 32;
    public static final int MAX_MAPPINGS = 16;
    public static final NetworkInfo EMPTY = new NetworkInfo(List.of(), null, null, null, List.of());

    public NetworkInfo {
        lan = List.copyOf(lan == null ? List.of() : lan);
        mappings = List.copyOf(mappings == null ? List.of() : mappings);
        if (lan.size() > MAX_LAN) {
            throw new IllegalArgumentException("at most " + MAX_LAN + " LAN addresses");
        }
        if (mappings.size() > MAX_MAPPINGS) {
            throw new IllegalArgumentException("at most " + MAX_MAPPINGS + " port mappings");
        }
    }

    /**
     * NAT behaviour in the labels of {@code dev.peerlink.stun.nat} ({@code NatType.label()} etc.).
     * Any field may be null when discovery could not tell.
     */
    public record Nat(String type, String mapping, String filtering, String portPattern, Integer portDelta,
                      Boolean hairpinning) {
        public Nat {
            for (String s : new String[] {type, mapping, filtering, portPattern}) {
                if (s != null && !s.matches("[a-z0-9-]{1,40}")) {
                    throw new IllegalArgumentException("NAT labels are 1-40 characters of [a-z0-9-]");
                }
            }
        }
    }

    /** Ports the device accepts connections on; null for a transport it does not listen on. */
    public record Listen(Integer tcp, Integer udp) {
        public Listen {
            checkPort(tcp);
            checkPort(udp);
        }
    }

    /** The same information with {@code mappings} replaced. */
    public NetworkInfo withMappings(List<PortMapping> newMappings) {
        return new NetworkInfo(lan, publicAddress, nat, listen, newMappings);
    }

    /**
     * A gateway port mapping: {@code protocol} is {@code tcp} or {@code udp}; {@code method} the gateway protocol that
     * made it, {@code upnp}, {@code natpmp} or {@code pcp} (null when not said; optional on the wire).
     */
    public record PortMapping(String protocol, InetSocketAddress external, InetSocketAddress internal, long leaseSeconds,
                              String method) {
        public static final java.util.Set<String> METHODS = java.util.Set.of("upnp", "natpmp", "pcp");

        public PortMapping(String protocol, InetSocketAddress external, InetSocketAddress internal, long leaseSeconds) {
            this(protocol, external, internal, leaseSeconds, null);
        }

        public PortMapping {
            if (!"tcp".equals(protocol) && !"udp".equals(protocol)) {
                throw new IllegalArgumentException("mapping protocol must be tcp or udp");
            }
            if (method != null && !METHODS.contains(method)) {
                throw new IllegalArgumentException("mapping method must be upnp, natpmp or pcp");
            }
            if (external == null || internal == null) {
                throw new IllegalArgumentException("mapping needs external and internal addresses");
            }
            if (leaseSeconds < 0) {
                throw new IllegalArgumentException("lease must not be negative");
            }
        }
    }

    private static void checkPort(Integer p) {
        if (p != null && (p < 0 || p > 65535)) {
            throw new IllegalArgumentException("port out of range");
        }
    }
}
