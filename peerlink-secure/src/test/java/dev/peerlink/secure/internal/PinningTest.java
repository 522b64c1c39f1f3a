package dev.peerlink.secure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.PeerIdentity;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

class PinningTest {
    final DeviceIdentity alice = DeviceIdentity.generate();
    final DeviceIdentity bob = DeviceIdentity.generate();

    @Test
    void boundCertificateCarriesAP256KeySignedByTheIdentity() throws Exception {
        X509Certificate c = TlsCredentials.create(alice).certificate();
        assertThat(c.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(c.getSigAlgName()).isEqualToIgnoringCase("Ed25519");
        c.verify(alice.publicIdentity().toPublicKey());
        assertThat(c.getSubjectX500Principal().getName()).contains(alice.publicIdentity().fingerprint());
    }

    @Test
    void acceptsExactlyThePinnedIdentityInBothForms() {
        PinnedTrustManager tm = new PinnedTrustManager(alice.publicIdentity());
        for (TlsCredentials.Mode m : TlsCredentials.Mode.values()) {
            X509Certificate good = TlsCredentials.create(alice, m).certificate();
            assertThatCode(() -> tm.verify(new X509Certificate[] {good})).doesNotThrowAnyException();
            X509Certificate other = TlsCredentials.create(bob, m).certificate();
            assertThatThrownBy(() -> tm.verify(new X509Certificate[] {other}))
                    .isInstanceOf(PinnedTrustManager.PinMismatchException.class);
        }
        assertThat(tm.lastFailure()).isNotNull();
    }

    @Test
    void refusesChainsAndEmptyInput() {
        PinnedTrustManager tm = new PinnedTrustManager(alice.publicIdentity());
        X509Certificate good = TlsCredentials.create(alice).certificate();
        assertThatThrownBy(() -> tm.verify(new X509Certificate[] {good, good})).isInstanceOf(PinnedTrustManager.PinMismatchException.class);
        assertThatThrownBy(() -> tm.verify(new X509Certificate[0])).isInstanceOf(PinnedTrustManager.PinMismatchException.class);
        assertThatThrownBy(() -> tm.verify(null)).isInstanceOf(PinnedTrustManager.PinMismatchException.class);
    }

    @Test
    void peerIdentityEncodings() {
        PeerIdentity p = alice.publicIdentity();
        assertThat(PeerIdentity.fromRaw(p.raw())).isEqualTo(p);
        assertThat(PeerIdentity.fromBase64(p.toBase64())).isEqualTo(p);
        assertThat(PeerIdentity.of(p.toPublicKey())).isEqualTo(p);
        assertThat(p.matches(alice.keyPair().getPublic())).isTrue();
        assertThat(p.matches(bob.keyPair().getPublic())).isFalse();
        assertThatThrownBy(() -> PeerIdentity.fromRaw(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }
}
