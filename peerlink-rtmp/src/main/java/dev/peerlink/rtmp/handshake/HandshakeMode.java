package dev.peerlink.rtmp.handshake;

/** Which handshake the two sides ran. */
public enum HandshakeMode {
    /** The published spec's handshake: C1/S1 time, zero, random; C2/S2 echo the peer's random. */
    SIMPLE,
    /** The Flash Player 9 handshake: non-zero version field, HMAC-SHA256 digest in C1/S1, signed C2/S2. */
    DIGEST
}
