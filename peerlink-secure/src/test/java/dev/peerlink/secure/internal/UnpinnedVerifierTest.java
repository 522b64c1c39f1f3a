package dev.peerlink.secure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.PeerIdentity;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** The unpinned (pairing responder) verifier: any well-formed device certificate, identity proven by its signature. */
class UnpinnedVerifierTest {
    final DeviceIdentity alice = DeviceIdentity.generate();
    final DeviceIdentity mallory = DeviceIdentity.generate();

    @Test
    void deviceCertificatesCarryTheirIdentityKey() {
        for (TlsCredentials.Mode m : TlsCredentials.Mode.values()) {
            X509Certificate c = TlsCredentials.create(alice, m).certificate();
            assertThat(DeviceCertificates.claimedIdentity(c)).isEqualTo(alice.publicIdentity());
            assertThat(c.getNonCriticalExtensionOIDs()).contains(DeviceCertificates.IDENTITY_KEY_OID.getId());
            assertThat(c.getCriticalExtensionOIDs()).doesNotContain(DeviceCertificates.IDENTITY_KEY_OID.getId());
        }
    }

    @Test
    void acceptsAnyWellFormedDeviceCertificateAndReportsItsIdentity() throws Exception {
        for (TlsCredentials.Mode m : TlsCredentials.Mode.values()) {
            for (DeviceIdentity d : new DeviceIdentity[] {alice, mallory}) {
                UnpinnedTrustManager tm = new UnpinnedTrustManager();
                assertThat(tm.verify(new X509Certificate[] {TlsCredentials.create(d, m).certificate()}))
                        .isEqualTo(d.publicIdentity());
                assertThat(tm.verified()).isEqualTo(d.publicIdentity());
            }
        }
    }

    @Test
    void refusesACertificateClaimingAnIdentityThatDidNotSignIt() throws Exception {
        // claims alice (extension and CN), but signed by mallory's identity key
        X509Certificate forged = cert(alice.publicIdentity(), "CN=peerlink-device-" + alice.publicIdentity().fingerprint(),
                mallory.keyPair().getPrivate());
        UnpinnedTrustManager tm = new UnpinnedTrustManager();
        assertThatThrownBy(() -> tm.verify(new X509Certificate[] {forged}))
                .isInstanceOf(PinnedTrustManager.PinMismatchException.class).hasMessageContaining("not signed");
        assertThat(tm.verified()).isNull();
        assertThat(tm.lastFailure()).isNotNull();
    }

    @Test
    void refusesCertificatesWithoutAnIdentityOrWithTheWrongName() throws Exception {
        X509Certificate none = cert(null, "CN=peerlink-device-" + alice.publicIdentity().fingerprint(), alice.keyPair().getPrivate());
        assertThatThrownBy(() -> new UnpinnedTrustManager().verify(new X509Certificate[] {none}))
                .hasMessageContaining("no peerlink identity key");
        X509Certificate misnamed = cert(alice.publicIdentity(), "CN=someone-else", alice.keyPair().getPrivate());
        assertThatThrownBy(() -> new UnpinnedTrustManager().verify(new X509Certificate[] {misnamed}))
                .hasMessageContaining("does not name");
        X509Certificate good = TlsCredentials.create(alice).certificate();
        assertThatThrownBy(() -> new UnpinnedTrustManager().verify(new X509Certificate[] {good, good}))
                .hasMessageContaining("exactly one");
        assertThatThrownBy(() -> new UnpinnedTrustManager().verify(null)).hasMessageContaining("exactly one");
    }

    @Test
    void pinnedVerifierIgnoresTheNewExtension() {
        PinnedTrustManager tm = new PinnedTrustManager(alice.publicIdentity());
        org.assertj.core.api.Assertions.assertThatCode(
                () -> tm.verify(new X509Certificate[] {TlsCredentials.create(alice).certificate()})).doesNotThrowAnyException();
    }

    /** A P-256 certificate with the given claim (null: no extension) and subject, signed by {@code signer}. */
    static X509Certificate cert(PeerIdentity claim, String subject, PrivateKey signer) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair tls = g.generateKeyPair();
        X500Name name = new X500Name(subject);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
                new Date(System.currentTimeMillis() - 86_400_000L), new Date(System.currentTimeMillis() + 86_400_000L),
                name, tls.getPublic());
        if (claim != null) {
            b.addExtension(DeviceCertificates.IDENTITY_KEY_OID, false, new DEROctetString(claim.raw()));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("Ed25519").build(signer)));
    }
}
