package dev.peerlink.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.stun.client.RetransmissionPolicy;
import dev.peerlink.stun.nat.DiscoveryOptions;
import dev.peerlink.stun.nat.NatBehaviorDiscovery;
import dev.peerlink.stun.nat.NatReport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "nat", mixinStandardHelpOptions = true,
        description = {"Discovers this host's public mapping and NAT behaviour (RFC 5780) against a STUN server.",
                "Prints a summary, or one JSON object with --json."})
final class NatCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, paramLabel = "IP:PORT", description = "STUN server (port defaults to 3478).")
    InetSocketAddress server;

    @Option(names = "--json", description = "Print one JSON object instead of a summary.")
    boolean json;

    @Option(names = "--rto", paramLabel = "MS", defaultValue = "500",
            description = "Initial retransmission timeout in ms (RFC 8489 default: ${DEFAULT-VALUE}); later ones follow the measured RTT.")
    long rtoMillis;

    @Option(names = "--min-rto", paramLabel = "MS", defaultValue = "100",
            description = "Floor for the RTT-derived timeout in ms (default: ${DEFAULT-VALUE}).")
    long minRtoMillis;

    @Option(names = "--rc", paramLabel = "N", defaultValue = "7", description = "Transmissions per request (RFC 8489 Rc, default: ${DEFAULT-VALUE}).")
    int rc;

    @Option(names = "--rm", paramLabel = "N", defaultValue = "16", description = "Final wait in RTOs (RFC 8489 Rm, default: ${DEFAULT-VALUE}).")
    int rm;

    @Option(names = "--port-samples", paramLabel = "N", defaultValue = "5", description = "Bindings used to judge port allocation (default: ${DEFAULT-VALUE}).")
    int portSamples;

    @Option(names = "--no-hairpin", description = "Skip the hairpinning test.")
    boolean noHairpin;

    @Option(names = "--lifetime", paramLabel = "SECONDS", description = "Also estimate the binding lifetime, probing up to this long.")
    Long lifetimeSeconds;

    @Override
    public Integer call() throws Exception {
        RetransmissionPolicy policy = new RetransmissionPolicy(Duration.ofMillis(rtoMillis), Duration.ofMillis(minRtoMillis), rc, rm);
        DiscoveryOptions options = DiscoveryOptions.DEFAULT.withRetransmission(policy)
                .withPortSamples(portSamples)
                .withHairpinning(!noHairpin);
        if (lifetimeSeconds != null) {
            options = options.withLifetimeProbe(Duration.ofSeconds(lifetimeSeconds));
        }
        NatReport report = new NatBehaviorDiscovery(server, options).run();
        if (json) {
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(NatReportJson.toMap(report)));
        } else {
            System.out.print(NatReportJson.summary(report));
        }
        return 0;
    }
}
