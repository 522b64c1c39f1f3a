package dev.peerlink.cli;

import dev.peerlink.server.PeerlinkServer;
import dev.peerlink.server.PeerlinkServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs the peerlink server on an embedded default configuration.",
                "Today it serves STUN (UDP and TCP) and a TURN relay (UDP and TCP, REST-style credentials from a",
                "shared secret); signalling and monitors join it as they land."})
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--stun", paramLabel = "IP:PORT", defaultValue = "0.0.0.0:3478",
            description = "STUN primary address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress stun;

    @Option(names = "--stun-alternate", paramLabel = "IP:PORT",
            description = "STUN alternate address (a second IP) to enable RFC 5780 behaviour discovery.")
    InetSocketAddress stunAlternate;

    @Option(names = "--relay", paramLabel = "IP:PORT", defaultValue = "0.0.0.0:3480",
            description = "TURN relay listen address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress relay;

    @Option(names = "--no-relay", description = "Run STUN only.")
    boolean noRelay;

    @Option(names = "--relay-ip", paramLabel = "IP",
            description = "Address relayed sockets bind to (default: the relay listen IP, or the first non-loopback IPv4).")
    InetAddress relayIp;

    @Option(names = "--realm", defaultValue = "peerlink", description = "TURN realm (default: ${DEFAULT-VALUE}).")
    String realm;

    @Option(names = "--secret", paramLabel = "S",
            description = "Shared secret for time-limited relay credentials (default: random, logged at INFO).")
    String secret;

    @Option(names = "--allow-peer", paramLabel = "CIDR", description = "Open a refused peer range (repeatable).")
    List<String> allowPeers = List.of();

    @Override
    public Integer call() throws Exception {
        Optional<PeerlinkServerConfig.Relay> r = noRelay ? Optional.empty() : Optional.of(new PeerlinkServerConfig.Relay(
                relay, Optional.ofNullable(relayIp), realm, Optional.ofNullable(secret), allowPeers));
        PeerlinkServerConfig config = new PeerlinkServerConfig(stun, Optional.ofNullable(stunAlternate), r);
        try (PeerlinkServer server = PeerlinkServer.start(config)) {
            System.out.println(server.describe());
            System.out.flush();
            Shutdown.awaitSignal();
        }
        return 0;
    }
}
