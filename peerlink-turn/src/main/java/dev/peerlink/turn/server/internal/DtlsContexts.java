package dev.peerlink.turn.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The DTLS listener's context: the JDK's DTLS 1.2 with the TLS listener's certificate (the configured PEM pair, or
 * the process's self-signed one). Netty 4.2 has no DTLS handler and netty-tcnative does not expose BoringSSL's DTLS,
 * so the JDK's SSLEngine it is.
 */
public final class DtlsContexts {
    private static final char[] NO_PASSWORD = new char[0];

    private DtlsContexts() {}

    public static SSLContext server(Optional<Path> certificate, Optional<Path> key) throws IOException {
        try {
            Certificate[] chain;
            PrivateKey privateKey;
            if (certificate.isPresent() && key.isPresent()) {
                chain = readChain(certificate.get());
                privateKey = readKey(key.get());
            } else {
                TlsContexts.SelfSigned s = TlsContexts.sharedSelfSigned();
                chain = new Certificate[] {s.certificate()};
                privateKey = s.keys().getPrivate();
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("turn", privateKey, NO_PASSWORD, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, NO_PASSWORD);
            SSLContext ctx = SSLContext.getInstance("DTLSv1.2");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("DTLS certificate: " + e.getMessage(), e);
        }
    }

    /** A server engine for one client: DTLS 1.2 only, no client certificates. */
    static SSLEngine engine(SSLContext ctx, java.net.InetSocketAddress client) {
        SSLEngine e = ctx.createSSLEngine(client.getAddress().getHostAddress(), client.getPort());
        e.setUseClientMode(false);
        SSLParameters p = e.getSSLParameters();
        p.setProtocols(new String[] {"DTLSv1.2"});
        p.setNeedClientAuth(false);
        e.setSSLParameters(p);
        return e;
    }

    private static Certificate[] readChain(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
        }
    }

    /** PKCS#8 PEM ("BEGIN PRIVATE KEY"), EC or RSA. */
    private static PrivateKey readKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(pem + ": expected a PKCS#8 PEM key (BEGIN PRIVATE KEY)");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
