package dev.peerlink.secure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.QuicTransport;
import dev.peerlink.secure.SecureHandshakeException;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SessionConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Records what Netty QUIC's BoringSSL does with Ed25519 certificates (docs/secure-transport.md): refused by default
 * (no common signature algorithm), accepted once the ed25519 signature algorithm is configured. Production uses the
 * P-256 key bound to the identity (checked by the contract tests).
 */
class QuicEd25519Test {
    final DeviceIdentity a = DeviceIdentity.generate();
    final DeviceIdentity b = DeviceIdentity.generate();

    @AfterEach
    void clear() {
        System.clearProperty(QuicConnector.CERT_MODE_PROPERTY);
        System.clearProperty("peerlink.secure.quicDefaultSigalgs");
    }

    private CompletableFuture<SecureSession>[] handshake(QuicTransport t) throws Exception {
        DatagramChannel sa = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        DatagramChannel sb = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SessionConfig cfg = SessionConfig.defaults().withHandshakeTimeout(Duration.ofSeconds(3));
        InetSocketAddress at = (InetSocketAddress) sb.getLocalAddress(); // accept takes the socket over
        CompletableFuture<SecureSession> s = t.accept(sb, b, a.publicIdentity(), cfg);
        CompletableFuture<SecureSession> c = t.connect(sa, at, a, b.publicIdentity(), cfg);
        @SuppressWarnings("unchecked")
        CompletableFuture<SecureSession>[] r = new CompletableFuture[] {c, s};
        return r;
    }

    @Test
    void ed25519CertificatesWorkWhenTheSignatureAlgorithmIsEnabled() throws Exception {
        System.setProperty(QuicConnector.CERT_MODE_PROPERTY, "DIRECT_ED25519");
        try (QuicTransport t = new QuicTransport()) {
            CompletableFuture<SecureSession>[] f = handshake(t);
            QuicSecureSession c = (QuicSecureSession) f[0].get(10, TimeUnit.SECONDS);
            QuicSecureSession s = (QuicSecureSession) f[1].get(10, TimeUnit.SECONDS);
            assertThat(c.tlsDescription()).startsWith("TLSv1.3").endsWith("EdDSA");
            assertThat(s.tlsDescription()).endsWith("EdDSA");
            c.close();
            s.close();
        }
    }

    @Test
    void ed25519CertificatesAreRefusedByBoringSslDefaults() throws Exception {
        System.setProperty(QuicConnector.CERT_MODE_PROPERTY, "DIRECT_ED25519");
        System.setProperty("peerlink.secure.quicDefaultSigalgs", "true");
        try (QuicTransport t = new QuicTransport()) {
            CompletableFuture<SecureSession>[] f = handshake(t);
            Throwable client = failure(f[0]);
            Throwable server = failure(f[1]);
            assertThat(client).isInstanceOf(SecureHandshakeException.class);
            assertThat(server).isInstanceOf(SecureHandshakeException.class);
            assertThat(chain(client) + chain(server)).contains("NO_COMMON_SIGNATURE_ALGORITHMS");
        }
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("handshake should fail");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static String chain(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable x = t; x != null; x = x.getCause()) {
            all.append(x).append('\n');
        }
        return all.toString();
    }

    @Test
    void defaultIsTheBoundP256Key() throws Exception {
        try (QuicTransport t = new QuicTransport()) {
            CompletableFuture<SecureSession>[] f = handshake(t);
            QuicSecureSession c = (QuicSecureSession) f[0].get(10, TimeUnit.SECONDS);
            assertThat(c.tlsDescription()).startsWith("TLSv1.3").endsWith(" EC");
            c.close();
            f[1].get(10, TimeUnit.SECONDS).close();
        }
    }
}
