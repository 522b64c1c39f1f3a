package dev.peerlink.turn.server.internal;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS listener's server context: a configured PEM pair, or a self-signed P-256 certificate made at
 * start (for tests and for clients that do not verify TURN certificates, which WebRTC stacks mostly do).
 * JDK provider: TLS 1.2 and 1.3, which is what coturn's and browsers' clients offer.
 */
public final class TlsContexts {
    private TlsContexts() {}

    public static SslContext server(Optional<Path> certificate, Optional<Path> key) throws IOException {
        try {
            SslContextBuilder b;
            if (certificate.isPresent() && key.isPresent()) {
                b = SslContextBuilder.forServer(certificate.get().toFile(), key.get().toFile());
            } else {
                SelfSigned s = SelfSignedHolder.INSTANCE;
                b = SslContextBuilder.forServer(s.keys().getPrivate(), s.certificate());
            }
            return b.sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2").build();
        } catch (IllegalArgumentException e) { // unreadable or mismatched PEM files
            throw new IOException("TLS certificate: " + e.getMessage(), e);
        }
    }

    /** The process's self-signed certificate, shared by the TLS and DTLS listeners. */
    static SelfSigned sharedSelfSigned() {
        return SelfSignedHolder.INSTANCE;
    }

    /** One self-signed certificate per process: generating a key per server start is wasted work. */
    private static final class SelfSignedHolder {
        static final SelfSigned INSTANCE;

        static {
            try {
                INSTANCE = selfSigned("peerlink-turn");
            } catch (GeneralSecurityException | OperatorCreationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** A key pair and the self-signed certificate over it. */
    public record SelfSigned(KeyPair keys, X509Certificate certificate) {}

    public static SelfSigned selfSigned(String commonName) throws GeneralSecurityException, OperatorCreationException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = g.generateKeyPair();
        X500Name name = new X500Name("CN=" + commonName);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), name, keys.getPublic());
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        return new SelfSigned(keys, cert);
    }
}
