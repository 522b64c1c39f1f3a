package dev.peerlink.protocol;

/**
 * A device as the server vouches for it to another: its id and its registered Ed25519 public key
 * (raw 32 bytes, base64url). The secure transport pins this key.
 */
public record PeerRef(DeviceId deviceId, String publicKey) {
    public PeerRef {
        if (deviceId == null) {
            throw new IllegalArgumentException("peer needs a device id");
        }
        Ed25519.checkPublicKey(publicKey);
    }
}
