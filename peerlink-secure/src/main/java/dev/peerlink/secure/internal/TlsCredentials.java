package dev.peerlink.secure.internal;

import dev.peerlink.secure.DeviceIdentity;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * What TLS and QUIC need from a device identity: a private key and a one-certificate chain.
 *
 * <p>{@link Mode#BOUND_P256} (the default): a fresh ECDSA P-256 key, generated in memory per process and never
 * stored, in a certificate whose signature is made by the device's Ed25519 identity key. The TLS handshake
 * proves possession of the P-256 key (CertificateVerify); the certificate signature binds that key to the
 * identity. {@link Mode#DIRECT_ED25519}: a self-signed certificate over the Ed25519 key itself; works with
 * the JDK's TLS 1.3 but not with Netty QUIC's BoringSSL build (see docs/secure-transport.md).
 *
 * <p>Both forms carry the raw identity key in a non-critical extension ({@link DeviceCertificates#IDENTITY_KEY_OID});
 * the pinned verifier ignores it, the unpinned one ({@link UnpinnedTrustManager}) needs it.
 */
public final class TlsCredentials {
    public enum Mode { BOUND_P256, DIRECT_ED25519 }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair tlsKey;
    private final X509Certificate certificate;

    private TlsCredentials(KeyPair tlsKey, X509Certificate certificate) {
        this.tlsKey = tlsKey;
        this.certificate = certificate;
    }

    public static TlsCredentials create(DeviceIdentity identity) {
        return create(identity, Mode.BOUND_P256);
    }

    /**
     * One certificate per identity and mode for the life of the process (as documented): building one costs a P-256
     * key generation, an Ed25519 signature and BouncyCastle's builder — most of a cold handshake's setup time when done
     * per session. Keyed by the identity object, so a new identity never reuses another's key.
     */
    private static final java.util.Map<DeviceIdentity, java.util.Map<Mode, TlsCredentials>> CACHE =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    public static TlsCredentials create(DeviceIdentity identity, Mode mode) {
        java.util.Map<Mode, TlsCredentials> perMode = CACHE.computeIfAbsent(identity,
                i -> new java.util.concurrent.ConcurrentHashMap<>());
        return perMode.computeIfAbsent(mode, m -> build(identity, m));
    }

    private static TlsCredentials build(DeviceIdentity identity, Mode mode) {
        try {
            KeyPair tlsKey;
            if (mode == Mode.BOUND_P256) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                tlsKey = g.generateKeyPair();
            } else {
                tlsKey = identity.keyPair();
            }
            X500Name name = new X500Name("CN=peerlink-device-" + identity.publicIdentity().fingerprint());
            Instant now = Instant.now();
            // Validity is not checked by the pinned verifier (device clocks are not trusted); the window only
            // keeps generic tooling that inspects the certificate happy.
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    name, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))),
                    name, tlsKey.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            // The identity key itself, so a responder that does not know it in advance (pairing) can find the key
            // to verify the signature with. Non-critical: the pinned verifier ignores it.
            b.addExtension(DeviceCertificates.IDENTITY_KEY_OID, false,
                    new org.bouncycastle.asn1.DEROctetString(identity.publicIdentity().raw()));
            ContentSigner signer = new JcaContentSignerBuilder("Ed25519").build(identity.keyPair().getPrivate());
            X509CertificateHolder holder = b.build(signer);
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
            return new TlsCredentials(tlsKey, cert);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
                 | org.bouncycastle.cert.CertIOException e) {
            throw new IllegalStateException("cannot build the device certificate", e);
        }
    }

    public KeyPair tlsKey() {
        return tlsKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }
}
