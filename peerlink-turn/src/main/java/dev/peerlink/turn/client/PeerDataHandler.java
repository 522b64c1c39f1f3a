package dev.peerlink.turn.client;

import java.net.InetSocketAddress;

/**
 * Receives data a peer sent to the relayed address, from a Data indication or ChannelData alike.
 * Called on the client's receive thread: return quickly, hand heavy work elsewhere.
 */
@FunctionalInterface
public interface PeerDataHandler {
    void onData(InetSocketAddress peer, byte[] data);
}
