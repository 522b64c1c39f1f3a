package dev.peerlink.transfer.client;

import dev.peerlink.protocol.DeviceId;
import java.security.PrivateKey;

/** Who opens a transfer connection: a device (its Ed25519 key) or a private tier (the secret shared with its central). */
public sealed interface TransferCredentials {
    record Device(DeviceId id, String publicKey, PrivateKey privateKey) implements TransferCredentials {}

    record Tier(String tierId, byte[] secret) implements TransferCredentials {
        public Tier {
            secret = secret.clone();
        }
    }
}
