package dev.peerlink.turn.server.internal;

import java.net.InetSocketAddress;

/** Client address, server address and protocol: what identifies an allocation (RFC 8656 §2). */
public record FiveTuple(InetSocketAddress client, InetSocketAddress server, boolean tcp) {
    @Override
    public String toString() {
        return (tcp ? "tcp " : "udp ") + client + "->" + server;
    }
}
