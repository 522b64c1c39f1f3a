package dev.peerlink.rtmp.handshake;

/**
 * What one {@code feed} produced: bytes to send to the peer now (possibly none) and whether the handshake is complete.
 * Once done, the bytes left in the fed buffer are the start of the chunk stream.
 */
public record HandshakeStep(byte[] toSend, boolean done) {
    static final byte[] NOTHING = new byte[0];

    public boolean hasOutput() {
        return toSend.length > 0;
    }
}
