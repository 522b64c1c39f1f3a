package dev.peerlink.peer;

import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.PeerRef;

/**
 * The server's brokering result for a connect: the session, the target as the server knows it
 * (device id and the public key the secure transport must pin), and the target's answer.
 */
public record Brokered(String session, PeerRef peer, boolean accepted, JsonBlob answer, String reason) {}
