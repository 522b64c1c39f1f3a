package dev.peerlink.secure.internal;

import dev.peerlink.secure.PeerIdentity;
import java.net.Socket;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts exactly one peer: the one whose certificate is signed by the pinned Ed25519 identity key. No CA, no
 * hostname, no validity dates. The chain must be exactly one certificate, and:
 * <ul>
 *   <li>its signature verifies under the pinned Ed25519 key (this binds the certificate's key to the
 *       identity; TLS CertificateVerify then proves the peer holds that key), and</li>
 *   <li>its key is ECDSA P-256 or Ed25519; if Ed25519, it must be the pinned key itself.</li>
 * </ul>
 * Used for both roles (mutual TLS).
 */
public final class PinnedTrustManager extends X509ExtendedTrustManager {
    private final PeerIdentity expected;
    private final PublicKey expectedKey;

    public PinnedTrustManager(PeerIdentity expected) {
        this.expected = expected;
        this.expectedKey = expected.toPublicKey();
    }

    private volatile PinMismatchException lastFailure;
    private volatile boolean accepted;

    /** True once this manager has accepted the pinned peer's certificate. */
    public boolean accepted() {
        return accepted;
    }

    /** The last certificate this manager refused, if any. */
    public PinMismatchException lastFailure() {
        return lastFailure;
    }

    public PeerIdentity expected() {
        return expected;
    }

    /** The verification itself, usable without TLS. */
    public void verify(X509Certificate[] chain) throws CertificateException {
        try {
            check(chain);
            accepted = true;
        } catch (PinMismatchException e) {
            lastFailure = e;
            throw e;
        }
    }

    private void check(X509Certificate[] chain) throws PinMismatchException {
        if (chain == null || chain.length != 1) {
            throw new PinMismatchException("expected exactly one certificate from the peer, got "
                    + (chain == null ? 0 : chain.length));
        }
        X509Certificate cert = chain[0];
        try {
            cert.verify(expectedKey);
        } catch (Exception e) {
            throw new PinMismatchException("peer certificate is not signed by the pinned identity "
                    + expected.fingerprint());
        }
        PublicKey key = cert.getPublicKey();
        String alg = key.getAlgorithm();
        if (alg.equals("EC")) {
            if (!(key instanceof java.security.interfaces.ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new PinMismatchException("peer TLS key is not P-256");
            }
        } else if (alg.equals("Ed25519") || alg.equals("EdDSA")) {
            if (!expected.matches(key)) {
                throw new PinMismatchException("peer Ed25519 certificate key is not the pinned identity");
            }
        } else {
            throw new PinMismatchException("unsupported peer TLS key algorithm " + alg);
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

    /** The peer is not the pinned device. */
    public static final class PinMismatchException extends CertificateException {
        public PinMismatchException(String message) {
            super(message);
        }
    }
}
