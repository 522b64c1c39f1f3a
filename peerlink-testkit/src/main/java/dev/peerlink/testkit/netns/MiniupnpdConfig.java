package dev.peerlink.testkit.netns;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Router#startMiniupnpd} writes into miniupnpd's configuration file. The bed's WAN addresses are
 * TEST-NET-3, which miniupnpd treats as reserved: it refuses to map unless it learns its public address by STUN
 * ({@code ext_perform_stun}) from an RFC 5780 server (coturn with two addresses, {@link Coturn#startStunServer})
 * and that server's CHANGE-REQUEST answers reach it, which proves to miniupnpd that nothing upstream filters.
 *
 * @param upnp        {@code enable_upnp}: SSDP + the IGD v2 HTTP/SOAP service
 * @param natPmp      {@code enable_natpmp}: NAT-PMP and PCP on port 5351 (miniupnpd serves both on one socket)
 * @param secureMode  {@code secure_mode}: clients may only map to their own address
 * @param stunServer  ext_stun_host; {@code stunAlternate} is the server's second address (RFC 5780)
 * @param httpPort    port of the IGD's HTTP server
 * @param minLifetime {@code min_lifetime} of PCP mappings (seconds)
 * @param maxLifetime {@code max_lifetime} of PCP mappings (seconds)
 */
public record MiniupnpdConfig(boolean upnp, boolean natPmp, boolean secureMode, InetAddress stunServer,
                              InetAddress stunAlternate, int stunPort, int httpPort, int minLifetime, int maxLifetime,
                              List<String> extraLines) {
    public MiniupnpdConfig {
        Objects.requireNonNull(stunServer);
        Objects.requireNonNull(stunAlternate);
        extraLines = List.copyOf(extraLines);
    }

    /** UPnP, NAT-PMP and PCP on, secure mode, STUN against the bed's server (run {@link Coturn#startStunServer} there). */
    public static MiniupnpdConfig defaults(ServerHost stun) {
        return new MiniupnpdConfig(true, true, true, stun.primaryAddress(), stun.alternateAddress(), Coturn.STUN_PORT,
                5000, 120, 86400, List.of());
    }

    public MiniupnpdConfig withUpnp(boolean on) {
        return new MiniupnpdConfig(on, natPmp, secureMode, stunServer, stunAlternate, stunPort, httpPort, minLifetime,
                maxLifetime, extraLines);
    }

    public MiniupnpdConfig withNatPmp(boolean on) {
        return new MiniupnpdConfig(upnp, on, secureMode, stunServer, stunAlternate, stunPort, httpPort, minLifetime,
                maxLifetime, extraLines);
    }

    public MiniupnpdConfig withLifetimes(int min, int max) {
        return new MiniupnpdConfig(upnp, natPmp, secureMode, stunServer, stunAlternate, stunPort, httpPort, min, max,
                extraLines);
    }

    /** The configuration file text for a router with LAN {@code lanSubnet}. */
    String render(String lanSubnet, String leaseFile, String uuid) {
        StringBuilder s = new StringBuilder()
                .append("# written by peerlink-testkit (Router.startMiniupnpd)\n")
                .append("ext_ifname=").append(NatRules.WAN_IF).append('\n')
                .append("listening_ip=").append(NatRules.LAN_IF).append('\n')
                .append("http_port=").append(httpPort).append('\n')
                .append("enable_upnp=").append(upnp ? "yes" : "no").append('\n')
                .append("enable_natpmp=").append(natPmp ? "yes" : "no").append('\n')
                .append("secure_mode=").append(secureMode ? "yes" : "no").append('\n')
                .append("ext_perform_stun=yes\n")
                .append("ext_stun_host=").append(stunServer.getHostAddress()).append('\n')
                .append("ext_stun_port=").append(stunPort).append('\n')
                // The router's own inet filter table gets miniupnpd's filter chain; NAT goes to a table of its own.
                .append("upnp_table_name=filter\n")
                .append("upnp_nat_table_name=").append(Miniupnpd.NAT_TABLE).append('\n')
                .append("upnp_forward_chain=").append(Miniupnpd.FORWARD_CHAIN).append('\n')
                .append("upnp_nat_chain=").append(Miniupnpd.PREROUTING_CHAIN).append('\n')
                .append("upnp_nat_postrouting_chain=").append(Miniupnpd.POSTROUTING_CHAIN).append('\n')
                .append("min_lifetime=").append(minLifetime).append('\n')
                .append("max_lifetime=").append(maxLifetime).append('\n')
                .append("lease_file=").append(leaseFile).append('\n')
                .append("uuid=").append(uuid).append('\n')
                .append("system_uptime=no\n")
                .append("clean_ruleset_interval=600\n");
        extraLines.forEach(l -> s.append(l).append('\n'));
        s.append("allow 1024-65535 ").append(lanSubnet).append(" 1024-65535\n")
                .append("deny 0-65535 0.0.0.0/0 0-65535\n");
        return s.toString();
    }
}
