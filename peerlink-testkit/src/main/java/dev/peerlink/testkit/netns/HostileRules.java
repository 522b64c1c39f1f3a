package dev.peerlink.testkit.netns;

/**
 * The extra table of the hostile routers ({@link NatTestBed.Builder#hostile()}), loaded beside a port-restricted
 * cone's {@link NatRules}: base chains at a priority before {@code filter}, so their drops are final whatever the
 * other tables accept.
 */
final class HostileRules {
    /** The port the bed's proxy host serves its HTTP proxy on ({@link NatTestBed#proxyHost()}). */
    static final int PROXY_PORT = 8888;

    private HostileRules() {
    }

    /** A network that drops every UDP packet: forwarded either way, and to or from the router itself (no DNS either). */
    static String udpBlocked() {
        return """
                table inet hostile {
                  chain forward { type filter hook forward priority filter - 10; policy accept; meta l4proto udp drop; }
                  chain input { type filter hook input priority filter - 10; policy accept; meta l4proto udp drop; }
                  chain output { type filter hook output priority filter - 10; policy accept; meta l4proto udp drop; }
                }
                """;
    }

    /**
     * A network whose only way out is TCP to the HTTP proxy at {@code proxy}:{@link #PROXY_PORT}: nothing else is
     * forwarded from the LAN (answers to that connection are), and the router drops UDP to and from itself.
     */
    static String proxyOnly(String proxy) {
        return """
                table inet hostile {
                  chain forward {
                    type filter hook forward priority filter - 10; policy drop;
                    ct state established,related accept
                    iifname "%s" oifname "%s" ip daddr %s tcp dport %d accept
                  }
                  chain input { type filter hook input priority filter - 10; policy accept; meta l4proto udp drop; }
                  chain output { type filter hook output priority filter - 10; policy accept; meta l4proto udp drop; }
                }
                """.formatted(NatRules.LAN_IF, NatRules.WAN_IF, proxy, PROXY_PORT);
    }
}
