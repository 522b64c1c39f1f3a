package dev.peerlink.turn.client;

/**
 * Counters of one client since it was built: refresh transactions that succeeded, 438 retries,
 * and packets relayed each way. A snapshot; counters only grow.
 */
public record TurnClientStats(long allocationRefreshes, long permissionRefreshes, long channelRefreshes,
                              long staleNonceRetries, long refreshFailures, long packetsSent, long packetsReceived) {}
