package dev.peerlink.turn.client;

/** How the client reaches the TURN server. The relayed transport to peers is UDP either way. */
public enum TurnTransport {
    /** Requests retransmitted per RFC 8489 §6.2.1. */
    UDP,
    /** One connection; no retransmission (reliable), a transaction times out after 39.5 s. */
    TCP
}
