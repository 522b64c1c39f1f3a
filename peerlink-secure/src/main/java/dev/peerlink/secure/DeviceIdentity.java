package dev.peerlink.secure;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Objects;

/**
 * A device's own long-term Ed25519 identity key pair. The private key never leaves this object except to
 * sign the device's TLS certificate (see {@link dev.peerlink.secure.internal.TlsCredentials}).
 */
public final class DeviceIdentity {
    private final KeyPair keyPair;
    private final PeerIdentity publicIdentity;

    private DeviceIdentity(KeyPair keyPair) {
        this.keyPair = keyPair;
        this.publicIdentity = PeerIdentity.of(keyPair.getPublic());
        String alg = keyPair.getPrivate().getAlgorithm();
        if (!alg.equals("Ed25519") && !alg.equals("EdDSA")) {
            throw new IllegalArgumentException("device identity must be an Ed25519 key pair, got " + alg);
        }
    }

    /** Wraps an existing Ed25519 key pair (JDK {@code KeyPairGenerator.getInstance("Ed25519")}). */
    public static DeviceIdentity of(KeyPair keyPair) {
        return new DeviceIdentity(Objects.requireNonNull(keyPair, "keyPair"));
    }

    /** A fresh random identity (tests, first start of a device). */
    public static DeviceIdentity generate() {
        try {
            return new DeviceIdentity(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without Ed25519", e);
        }
    }

    /** The public half, as the signalling server announces it to other devices. */
    public PeerIdentity publicIdentity() {
        return publicIdentity;
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    @Override
    public String toString() {
        return "DeviceIdentity[" + publicIdentity.fingerprint() + "]";
    }
}
