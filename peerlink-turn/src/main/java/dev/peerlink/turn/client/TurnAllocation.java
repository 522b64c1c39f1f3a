package dev.peerlink.turn.client;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A granted allocation: the relayed address peers send to, the client's address as the server
 * sees it (server-reflexive, useful as an ICE candidate), and the lifetime the server granted.
 */
public record TurnAllocation(InetSocketAddress relayedAddress, InetSocketAddress mappedAddress, Duration lifetime) {}
