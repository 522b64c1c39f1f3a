package dev.peerlink.cli;

import dev.peerlink.stun.server.StunServer;
import dev.peerlink.stun.server.StunServerConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stun-server", mixinStandardHelpOptions = true,
        description = {"Runs a STUN server (RFC 8489) on UDP and TCP.",
                "With --alternate it opens the four RFC 5780 sockets and answers CHANGE-REQUEST."})
final class StunServerCommand implements Callable<Integer> {
    @Option(names = "--primary", required = true, paramLabel = "IP:PORT", description = "Primary address (port defaults to 3478).")
    InetSocketAddress primary;

    @Option(names = "--alternate", paramLabel = "IP:PORT", description = "Alternate address: a second IP and port, enables RFC 5780.")
    InetSocketAddress alternate;

    @Option(names = "--no-classic-stun", description = "Do not answer RFC 3489 Binding requests (no magic cookie).")
    boolean noClassicStun;

    @Option(names = "--no-tcp", description = "Serve UDP only.")
    boolean noTcp;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "100",
            description = "Requests per second allowed from one source IP (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--burst", paramLabel = "N", defaultValue = "200", description = "Burst allowed above the rate (default: ${DEFAULT-VALUE}).")
    int burst;

    @Override
    public Integer call() throws Exception {
        StunServerConfig.Builder b = StunServerConfig.builder()
                .primary(primary)
                .tcp(!noTcp)
                .classic(!noClassicStun)
                .rateLimit(rate, burst)
                .software("peerlink");
        if (alternate != null) {
            b.alternate(alternate);
        }
        try (StunServer server = StunServer.start(b.build())) {
            System.out.println("STUN server on UDP " + server.udpAddresses() + (noTcp ? "" : " TCP " + server.tcpAddresses())
                    + " (" + server.transportName() + ")");
            System.out.flush();
            Shutdown.awaitSignal();
        }
        return 0;
    }
}
