package dev.peerlink.turn.server;

import java.util.Map;

/**
 * A snapshot of a {@link TurnServer}'s counters. "To peers" counts application bytes (payload only)
 * leaving relayed sockets; "to clients" counts payload delivered to clients in Data indications or
 * ChannelData.
 */
public record TurnServerStats(
        long allocationsActive,
        long allocationsCreated,
        long allocationsExpired,
        long permissionsActive,
        long channelsActive,
        long packetsToPeers,
        long bytesToPeers,
        long packetsToClients,
        long bytesToClients,
        long droppedBandwidth,
        long droppedNoPermission,
        /** Requests over TCP/TLS the rate limit held back (paused, answered later), not refused. */
        long requestsPaused,
        Map<Refusal, Long> refusals) {

    public TurnServerStats {
        refusals = Map.copyOf(refusals);
    }

    public long refusals(Refusal reason) {
        return refusals.getOrDefault(reason, 0L);
    }
}
