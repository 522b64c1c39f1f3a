package dev.peerlink.secure.internal;

import dev.peerlink.secure.PeerIdentity;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts any <em>well-formed</em> peerlink device certificate, whoever's it is, and records the identity it proved.
 * For a responder that does not know the peer in advance (pairing: the one-time token, checked after the handshake,
 * authorises the peer). The certificate must:
 * <ul>
 *   <li>claim an identity key ({@link DeviceCertificates#claimedIdentity}),</li>
 *   <li>have the subject {@code CN=peerlink-device-<fingerprint of that key>}, and</li>
 *   <li>pass exactly the pinned check ({@link PinnedTrustManager}) against the claimed key: one certificate, signed by
 *       the claimed Ed25519 key, whose own key is P-256 or the claimed key itself.</li>
 * </ul>
 * TLS CertificateVerify then proves the peer holds the certificate's private key, so {@link #verified()} is a key the
 * peer controls (or controlled when it signed the certificate), not merely one it named.
 */
public final class UnpinnedTrustManager extends X509ExtendedTrustManager {
    private volatile PeerIdentity verified;
    private volatile PinnedTrustManager.PinMismatchException lastFailure;

    /** The identity whose certificate was accepted; null before. */
    public PeerIdentity verified() {
        return verified;
    }

    public boolean accepted() {
        return verified != null;
    }

    public PinnedTrustManager.PinMismatchException lastFailure() {
        return lastFailure;
    }

    /** The verification itself, usable without TLS. Returns the verified identity. */
    public PeerIdentity verify(X509Certificate[] chain) throws CertificateException {
        try {
            if (chain == null || chain.length != 1) {
                throw new PinnedTrustManager.PinMismatchException("expected exactly one certificate from the peer, got "
                        + (chain == null ? 0 : chain.length));
            }
            PeerIdentity claimed;
            try {
                claimed = DeviceCertificates.claimedIdentity(chain[0]);
            } catch (IllegalArgumentException e) {
                throw new PinnedTrustManager.PinMismatchException("not a peerlink device certificate: " + e.getMessage());
            }
            String cn = chain[0].getSubjectX500Principal().getName();
            if (!cn.equals("CN=" + DeviceCertificates.CN_PREFIX + claimed.fingerprint())) {
                throw new PinnedTrustManager.PinMismatchException("certificate subject " + cn
                        + " does not name the identity it claims (" + claimed.fingerprint() + ")");
            }
            PinnedTrustManager pinned = new PinnedTrustManager(claimed);
            pinned.verify(chain);
            verified = claimed;
            return claimed;
        } catch (PinnedTrustManager.PinMismatchException e) {
            lastFailure = e;
            throw e;
        }
    }

    @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException { verify(chain); }
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException { verify(chain); }
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException { verify(chain); }
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException { verify(chain); }
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException { verify(chain); }
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException { verify(chain); }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
