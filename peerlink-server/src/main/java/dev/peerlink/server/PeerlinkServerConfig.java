package dev.peerlink.server;

import java.net.InetSocketAddress;
import java.util.Optional;

/** What the embedded server runs. Grows as signalling, relay and monitors land. */
public record PeerlinkServerConfig(InetSocketAddress stunPrimary, Optional<InetSocketAddress> stunAlternate) {
    public static PeerlinkServerConfig defaults() {
        return new PeerlinkServerConfig(new InetSocketAddress(3478), Optional.empty());
    }
}
