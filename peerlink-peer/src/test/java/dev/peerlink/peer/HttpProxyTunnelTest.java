package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.HttpProxy;
import dev.peerlink.protocol.internal.WebSocketConnection;
import dev.peerlink.protocol.internal.WebSocketConnector;
import dev.peerlink.protocol.internal.WebSocketListener;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.server.transfer.TransferConfig;
import dev.peerlink.testkit.tools.Tinyproxy;
import dev.peerlink.transfer.client.TransferClient;
import dev.peerlink.transfer.client.TransferCredentials;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signalling and transfer through a real HTTP CONNECT proxy (Debian's tinyproxy with Basic authentication), over wss
 * so the tunnel carries TLS end to end and the certificate is still checked against the server's name.
 */
class HttpProxyTunnelTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret-pass_9"; // tinyproxy's config takes [A-Za-z0-9_-] only

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsTinyproxy() {
        Tinyproxy.assumeInstalled();
    }

    @Test
    void registersAndTransfersThroughTheProxyWithBasicCredentials() throws Exception {
        java.security.cert.X509Certificate cert = TestCertificates.selfSigned(tmp);
        SSLContext trust = TestCertificates.trusting(cert);
        TransferConfig transfer = TransferConfig.central(TransferConfig.Storage.inDir(tmp.resolve("transfer")));
        try (Tinyproxy proxy = Tinyproxy.start(USER, PASSWORD);
             SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                     .tls(tmp.resolve("cert.pem"), tmp.resolve("key.pem")).dataDir(tmp).mappingMonitor(null).transfer(transfer)
                     .build(), List.of(), id -> Optional.empty())) {
            HttpProxy via = HttpProxy.parse(proxy.url(USER, PASSWORD));
            assertThat(via.password()).isEqualTo(PASSWORD);
            try (SignallingClient c = SignallingClient.builder().server(URI.create(s.url())).sslContext(trust).proxy(via)
                    .identity(DeviceIdentity.ephemeral(DeviceId.of("behind-proxy"))).build()) {
                assertThat(c.start().get(20, TimeUnit.SECONDS).deviceId()).isEqualTo(DeviceId.of("behind-proxy"));
            }
            assertThat(proxy.log()).contains("CONNECT 127.0.0.1:" + s.address().getPort());

            DeviceIdentity bob = DeviceIdentity.ephemeral(DeviceId.of("bob"));
            DeviceIdentity alice = DeviceIdentity.ephemeral(DeviceId.of("alice"));
            URI url = URI.create(s.transferUrl());
            var opts = TransferClient.Options.defaults().withSslContext(trust).withProxy(via);
            try (var b = TransferClient.connect(url, new TransferCredentials.Device(bob.deviceId(), bob.publicKeyText(), bob.privateKey()), opts);
                 var a = TransferClient.connect(url, new TransferCredentials.Device(alice.deviceId(), alice.publicKeyText(), alice.privateKey()), opts)) {
                var sent = a.sendText("through the proxy", "bob");
                var item = b.inbox(null).get(0);
                assertThat(item.delivery()).isEqualTo(sent.delivery());
                assertThat(Files.readString(b.download(item, tmp.resolve("bob")))).isEqualTo("through the proxy");
            }
            assertThat(proxy.log()).contains("CONNECT 127.0.0.1:" + URI.create(s.transferUrl()).getPort());
        }
    }

    @Test
    void wrongCredentialsFailTheOpeningWithTheProxysAnswer() throws Exception {
        try (Tinyproxy proxy = Tinyproxy.start(USER, "right");
             SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                     .dataDir(tmp).mappingMonitor(null).build(), List.of(), id -> Optional.empty())) {
            var options = new WebSocketConnector.Options(Duration.ofSeconds(10), 1 << 20, 1 << 20, null,
                    new HttpProxy("127.0.0.1", proxy.port(), USER, "wrong"));
            var opening = WebSocketConnector.shared().connect(URI.create(s.url()), options, new WebSocketListener() {
                @Override
                public void onClose(WebSocketConnection socket, int code, String reason) {}

                @Override
                public void onError(WebSocketConnection socket, Throwable error) {}
            }, WebSocketConnector.shared().callbacks());
            assertThatThrownBy(() -> opening.get(15, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("401");
            assertThat(s.onlineDevices()).isZero();
        }
    }
}
