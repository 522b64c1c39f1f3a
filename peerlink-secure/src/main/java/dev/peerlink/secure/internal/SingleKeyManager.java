package dev.peerlink.secure.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/** Offers the device's one certificate for every key type and role. */
public final class SingleKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "device";
    private final TlsCredentials credentials;

    private final boolean anyKeyType;

    /**
     * @param anyKeyType offer the key whatever key type is asked for (Netty QUIC asks BoringSSL-style "EC"/"RSA"
     *     types); otherwise only for the matching JDK key type, so the JDK picks a signature scheme that fits.
     */
    public SingleKeyManager(TlsCredentials credentials, boolean anyKeyType) {
        this.credentials = credentials;
        this.anyKeyType = anyKeyType;
    }

    private boolean fits(String keyType) {
        if (anyKeyType || keyType == null) {
            return true;
        }
        String alg = credentials.tlsKey().getPrivate().getAlgorithm();
        if (alg.equals("EC")) {
            return keyType.startsWith("EC");
        }
        return keyType.equals("EdDSA") || keyType.equals("Ed25519");
    }

    private String alias(String keyType) {
        return fits(keyType) ? ALIAS : null;
    }

    private String alias(String[] keyTypes) {
        if (keyTypes == null) {
            return ALIAS;
        }
        for (String k : keyTypes) {
            if (fits(k)) {
                return ALIAS;
            }
        }
        return null;
    }

    @Override public String[] getClientAliases(String keyType, Principal[] issuers) { return fits(keyType) ? new String[] {ALIAS} : null; }
    @Override public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) { return alias(keyType); }
    @Override public String[] getServerAliases(String keyType, Principal[] issuers) { return fits(keyType) ? new String[] {ALIAS} : null; }
    @Override public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) { return alias(keyType); }
    @Override public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) { return alias(keyType); }
    @Override public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) { return alias(keyType); }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? new X509Certificate[] {credentials.certificate()} : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? credentials.tlsKey().getPrivate() : null;
    }
}
