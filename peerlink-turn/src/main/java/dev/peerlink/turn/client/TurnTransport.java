package dev.peerlink.turn.client;

/** How the client reaches the TURN server. The relayed transport to peers is UDP either way. */
public enum TurnTransport {
    /** Requests retransmitted per RFC 8489 §6.2.1. */
    UDP,
    /** One connection; no retransmission (reliable), a transaction times out after 39.5 s. */
    TCP,
    /**
     * TURN over TLS ({@code turns:}, RFC 8656 §3.1): as TCP, inside TLS. Reaches a relay from networks that
     * block UDP and let only TLS (often 443) out. Certificate checks follow {@link TurnClient.Builder#tls}.
     */
    TLS,
    /**
     * TURN over DTLS 1.2 ({@code turns:...?transport=udp}, RFC 7350): as UDP (requests retransmitted), each message in
     * a DTLS record. Certificate checks follow {@link TurnClient.Builder#dtls}.
     */
    DTLS
}
