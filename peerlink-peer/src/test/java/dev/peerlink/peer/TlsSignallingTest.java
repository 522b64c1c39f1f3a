package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wss: a self-signed certificate made here, PEM files handed to the server, the client trusting it. */
class TlsSignallingTest {
    @TempDir
    Path tmp;

    @Test
    void registersOverTlsAndRefusesUntrustedClients() throws Exception {
        X509Certificate cert = selfSigned();
        Path certFile = tmp.resolve("cert.pem");
        Path keyFile = tmp.resolve("key.pem");

        try (SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .tls(certFile, keyFile).build(), List.of(), id -> Optional.empty())) {
            assertThat(s.url()).startsWith("wss://127.0.0.1:");
            SSLContext ctx = trusting(cert);
            try (SignallingClient c = SignallingClient.builder().server(URI.create(s.url()))
                    .identity(DeviceIdentity.ephemeral(DeviceId.of("tls-dev"))).sslContext(ctx).build()) {
                assertThat(c.start().get(10, TimeUnit.SECONDS).deviceId()).isEqualTo(DeviceId.of("tls-dev"));
            }
            // A client without the certificate in its trust store never registers.
            try (SignallingClient untrusting = SignallingClient.builder().server(URI.create(s.url()))
                    .identity(DeviceIdentity.ephemeral(DeviceId.of("naive"))).backoff(Duration.ofMillis(50), Duration.ofMillis(100)).build()) {
                var f = untrusting.start();
                org.awaitility.Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                        .until(() -> !f.isDone());
                assertThat(s.onlineDevices()).isZero();
            }
            // Plain ws to the TLS port fails too.
            try (SignallingClient plain = SignallingClient.builder().server(URI.create(s.url().replace("wss:", "ws:")))
                    .identity(DeviceIdentity.ephemeral(DeviceId.of("plain"))).build()) {
                var f = plain.start();
                assertThat(f.isDone() && !f.isCompletedExceptionally()).isFalse();
            }
        }
    }

    @Test
    void transfersOverWssTrustingTheServersCertificateAndRefusesWithoutIt() throws Exception {
        X509Certificate cert = selfSigned();
        Path certFile = tmp.resolve("cert.pem");
        Path keyFile = tmp.resolve("key.pem");
        var transfer = dev.peerlink.server.transfer.TransferConfig.central(
                dev.peerlink.server.transfer.TransferConfig.Storage.inDir(tmp.resolve("transfer")));
        try (SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .tls(certFile, keyFile).dataDir(tmp).mappingMonitor(null).transfer(transfer).build(), List.of(), id -> Optional.empty())) {
            assertThat(s.transferUrl()).startsWith("wss://127.0.0.1:");
            SSLContext ctx = trusting(cert);
            var opts = dev.peerlink.transfer.client.TransferClient.Options.defaults().withSslContext(ctx);
            DeviceIdentity bob = DeviceIdentity.ephemeral(DeviceId.of("bob"));
            DeviceIdentity alice = DeviceIdentity.ephemeral(DeviceId.of("alice"));
            URI url = URI.create(s.transferUrl());
            try (var b = dev.peerlink.transfer.client.TransferClient.connect(url,
                    new dev.peerlink.transfer.client.TransferCredentials.Device(bob.deviceId(), bob.publicKeyText(), bob.privateKey()), opts);
                 var a = dev.peerlink.transfer.client.TransferClient.connect(url,
                    new dev.peerlink.transfer.client.TransferCredentials.Device(alice.deviceId(), alice.publicKeyText(), alice.privateKey()),
                    opts)) {
                var sent = a.sendText("over tls", "bob");
                var item = b.inbox(null).get(0);
                assertThat(item.delivery()).isEqualTo(sent.delivery());
                assertThat(Files.readString(b.download(item, tmp.resolve("bob")))).isEqualTo("over tls");
            }
            // without the certificate in its trust store, the client never gets as far as authenticating
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.peerlink.transfer.client.TransferClient.connect(url,
                    new dev.peerlink.transfer.client.TransferCredentials.Device(alice.deviceId(), alice.publicKeyText(), alice.privateKey()),
                    dev.peerlink.transfer.client.TransferClient.Options.defaults()))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("cannot open");
            // trusted, but reached under a name the certificate does not carry (it names 127.0.0.1 only): refused too
            URI byName = URI.create(s.transferUrl().replace("127.0.0.1", "localhost"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.peerlink.transfer.client.TransferClient.connect(byName,
                    new dev.peerlink.transfer.client.TransferCredentials.Device(alice.deviceId(), alice.publicKeyText(), alice.privateKey()),
                    opts))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("cannot open")
                    .hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class).hasStackTraceContaining("localhost");
        }
    }

    private X509Certificate selfSigned() throws Exception {
        return TestCertificates.selfSigned(tmp);
    }

    private static SSLContext trusting(X509Certificate cert) throws Exception {
        return TestCertificates.trusting(cert);
    }
}
