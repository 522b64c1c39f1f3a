package dev.peerlink.testkit.netns;

/**
 * Generates the nftables ruleset of one NAT router. All types share one skeleton: a stateful firewall (forward:
 * only established/related, LAN-originated or deliberately DNATed traffic) and source NAT on the WAN interface.
 * They differ in three knobs:
 * <ul>
 *   <li><b>mapping</b>: {@code masquerade} keeps the inside source port when it is free, so one inside
 *       address:port gets the same outside port for every destination (endpoint-independent mapping);
 *       {@code masquerade fully-random} picks a new random port per conntrack entry, i.e. per destination
 *       address:port (address-and-port-dependent mapping).</li>
 *   <li><b>filtering</b>: conntrack alone admits only replies from the exact remote address:port
 *       (address-and-port-dependent filtering). To open the cone wider, EIM routers record each live mapping
 *       {@code proto . outside port -> inside address . inside port} in the timed map {@code @mappings} (written
 *       after SNAT, so the key is the real outside port) and DNAT new inbound packets through it: always
 *       (full cone) or only from remote addresses the mapping has sent to, kept in the timed set {@code @peers}
 *       (restricted cone).</li>
 *   <li><b>hairpinning</b>: EIM routers also DNAT LAN packets addressed to the WAN address through
 *       {@code @mappings} and SNAT them to the WAN address, so LAN peers see each other's public mapping.</li>
 * </ul>
 * The {@code fault} table (loss, broken link) is separate so it can be rewritten without touching NAT state.
 */
final class NatRules {
    static final String WAN_IF = "wan0";
    static final String LAN_IF = "lan0";
    /** Lifetime of an idle mapping / peer permission; refreshed by every outbound packet. Matches conntrack's UDP stream timeout. */
    static final int MAPPING_TIMEOUT_SECONDS = 120;

    private NatRules() {
    }

    /** Name of the sequential router's {@code index -> external port} map. */
    static final String SEQ_PORTS_MAP = "seqports";

    /**
     * @param ports the external port range of a symmetric router: {@code null} keeps the kernel's default for
     *              {@code masquerade fully-random}; required for {@link NatType#SYMMETRIC_SEQUENTIAL}
     * @param delta step between consecutive ports of {@link NatType#SYMMETRIC_SEQUENTIAL}; ignored otherwise
     */
    static String ruleset(NatType type, String wanAddress, String lanSubnet, PortRange ports, int delta) {
        boolean eim = type.endpointIndependent();
        StringBuilder s = new StringBuilder();
        s.append("""
                table inet filter {
                  chain input {
                    type filter hook input priority filter; policy accept;
                    # A router has no services on its WAN side: silently drop unsolicited packets like a real NAT box.
                    iifname "%1$s" ct state established,related accept
                    iifname "%1$s" drop
                  }
                  chain forward {
                    type filter hook forward priority filter; policy drop;
                    ct state established,related accept
                    iifname "%2$s" accept
                    # Inbound that the nat table chose to let in (cone filtering) was DNATed to the inside host.
                    ct status dnat accept
                  }
                }
                table inet fault {
                  # Filled by Router.injectLoss / breakLink; runs before everything else on forwarded packets.
                  chain forward {
                    type filter hook forward priority -300; policy accept;
                  }
                }
                """.formatted(WAN_IF, LAN_IF));
        s.append("table ip nat {\n");
        if (eim) {
            s.append("""
                      map mappings {
                        type inet_proto . inet_service : ipv4_addr . inet_service
                        flags dynamic, timeout
                        timeout %ds
                      }
                    """.formatted(MAPPING_TIMEOUT_SECONDS));
        }
        if (type == NatType.RESTRICTED_CONE) {
            s.append("""
                      set peers {
                        type inet_proto . inet_service . ipv4_addr
                        flags dynamic, timeout
                        timeout %ds
                      }
                    """.formatted(MAPPING_TIMEOUT_SECONDS));
        }
        if (type.portAllocation() == NatType.PortAllocation.SEQUENTIAL) {
            s.append(sequentialPortsMap(ports, delta));
        }
        s.append("  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n");
        switch (type) {
            case FULL_CONE -> s.append("""
                        iifname "%s" ip daddr %s dnat ip to meta l4proto . th dport map @mappings
                    """.formatted(WAN_IF, wanAddress));
            case RESTRICTED_CONE -> s.append("""
                        iifname "%s" ip daddr %s meta l4proto . th dport . ip saddr @peers dnat ip to meta l4proto . th dport map @mappings
                    """.formatted(WAN_IF, wanAddress));
            default -> { }
        }
        if (type.hairpinning()) {
            s.append("""
                        iifname "%s" ip daddr %s dnat ip to meta l4proto . th dport map @mappings
                    """.formatted(LAN_IF, wanAddress));
        }
        s.append("  }\n");
        s.append("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
        switch (type.portAllocation()) {
            case PRESERVING -> s.append("    oifname \"%s\" masquerade\n".formatted(WAN_IF));
            case RANDOM -> {
                if (ports != null) {
                    // A port range is only valid after a transport protocol match; ICMP takes the rule below.
                    s.append("    oifname \"%s\" meta l4proto { tcp, udp } masquerade to :%s fully-random\n"
                            .formatted(WAN_IF, ports));
                }
                s.append("    oifname \"%s\" masquerade fully-random\n".formatted(WAN_IF));
            }
            case SEQUENTIAL -> {
                // The nat chain sees only the first packet of each conntrack entry, so the counter advances once
                // per new mapping. (numgen cannot be the port directly: nft 1.0.6 hands its host-order value to
                // the nat expression without byte-order conversion, which yields byte-swapped ports.)
                s.append("    oifname \"%s\" meta l4proto { tcp, udp } snat ip to %s : numgen inc mod %d map @%s\n"
                        .formatted(WAN_IF, wanAddress, sequenceLength(ports, delta), SEQ_PORTS_MAP));
                s.append("    oifname \"%s\" masquerade\n".formatted(WAN_IF));
            }
        }
        if (type.hairpinning()) {
            // Match the LAN by source address: the input interface is not known any more at postrouting.
            s.append("""
                        ip saddr %s oifname "%s" ct status dnat snat ip to %s
                    """.formatted(lanSubnet, LAN_IF, wanAddress));
        }
        s.append("  }\n");
        if (eim) {
            // After srcnat the packet carries its outside port, while ct original/reply still name the inside end:
            // original direction for connections the LAN opened, reply direction for ones we DNATed in.
            s.append("""
                      chain record {
                        type filter hook postrouting priority srcnat + 10; policy accept;
                        oifname "%1$s" meta l4proto { tcp, udp } ct direction original update @mappings { meta l4proto . th sport : ct original ip saddr . ct original proto-src }
                        oifname "%1$s" meta l4proto { tcp, udp } ct direction reply update @mappings { meta l4proto . th sport : ct reply ip saddr . ct reply proto-src }
                    """.formatted(WAN_IF));
            if (type == NatType.RESTRICTED_CONE) {
                s.append("""
                            oifname "%s" meta l4proto { tcp, udp } update @peers { meta l4proto . th sport . ip daddr }
                        """.formatted(WAN_IF));
            }
            s.append("  }\n");
        }
        s.append("}\n");
        return s.toString();
    }

    /** How many ports the sequence {@code first, first+delta, ...} has within {@code ports} before it wraps. */
    static int sequenceLength(PortRange ports, int delta) {
        if (ports == null || delta < 1) {
            throw new IllegalArgumentException("a sequential router needs a port range and a delta >= 1");
        }
        return (ports.size() - 1) / delta + 1;
    }

    /** {@code map seqports}: index {@code i} of the numgen counter to external port {@code first + i * delta}. */
    static String sequentialPortsMap(PortRange ports, int delta) {
        int n = sequenceLength(ports, delta);
        StringBuilder s = new StringBuilder("  map ").append(SEQ_PORTS_MAP).append(" {\n")
                .append("    typeof numgen inc mod ").append(n).append(" : udp sport\n    elements = { ");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(i).append(" : ").append(ports.first() + i * delta);
        }
        return s.append(" }\n  }\n").toString();
    }

    /** Contents of the fault chain for the given loss percentage and link state. */
    static String faultRules(int lossPercent, boolean broken) {
        StringBuilder s = new StringBuilder("flush chain inet fault forward\n");
        if (broken) {
            s.append("add rule inet fault forward counter drop\n");
        } else if (lossPercent > 0) {
            s.append("add rule inet fault forward ").append(lossMatch(lossPercent)).append("counter drop\n");
        }
        return s.toString();
    }

    /**
     * The random-drop match for {@code percent}% loss, with a trailing space: {@code numgen random mod 100 < N}, or
     * nothing for 100% (nft rejects {@code < 100}: the value must fit the {@code mod 100} range 0..99).
     */
    static String lossMatch(int percent) {
        return percent >= 100 ? "" : "numgen random mod 100 < " + percent + " ";
    }
}
