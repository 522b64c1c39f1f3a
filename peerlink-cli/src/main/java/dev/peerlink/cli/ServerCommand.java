package dev.peerlink.cli;

import dev.peerlink.server.PeerlinkServer;
import dev.peerlink.server.PeerlinkServerConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs the peerlink server on an embedded default configuration.",
                "Today it serves STUN (UDP and TCP); signalling, relay and monitors join it as they land."})
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--stun", paramLabel = "IP:PORT", defaultValue = "0.0.0.0:3478",
            description = "STUN primary address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress stun;

    @Option(names = "--stun-alternate", paramLabel = "IP:PORT",
            description = "STUN alternate address (a second IP) to enable RFC 5780 behaviour discovery.")
    InetSocketAddress stunAlternate;

    @Override
    public Integer call() throws Exception {
        PeerlinkServerConfig config = new PeerlinkServerConfig(stun, java.util.Optional.ofNullable(stunAlternate));
        try (PeerlinkServer server = PeerlinkServer.start(config)) {
            System.out.println(server.describe());
            System.out.flush();
            Shutdown.awaitSignal();
        }
        return 0;
    }
}
