package dev.peerlink.turn.server;

import static dev.peerlink.turn.server.TestServers.PASSWORD;
import static dev.peerlink.turn.server.TestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.turn.client.fixture.TrustAllTls;
import dev.peerlink.turn.server.internal.TlsContexts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TURN over TLS and TCP listeners on their own ports: certificates, hostile streams, per-IP connection limits. */
class StreamTransportTest {

    @Test
    void tlsListenerServesAllocationsWithTheSameAuthentication() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient wrong = TurnTestClient.tls(server.tlsAddress()).credentials(USER, "not-the-password");
             TurnTestClient c = TurnTestClient.tls(server.tlsAddress()).credentials(USER, PASSWORD)) {
            assertThat(server.tlsAddress().getPort()).isNotIn(server.udpAddress().getPort(), server.tcpAddress().getPort());
            assertThat(TurnTestClient.errorCode(wrong.authed(dev.peerlink.stun.StunMethod.ALLOCATE,
                    b -> b.add(new dev.peerlink.turn.attribute.RequestedTransport(17))))).isEqualTo(401);
            InetSocketAddress relayed = c.allocate();
            assertThat(relayed.getAddress()).isEqualTo(TestServers.LOOPBACK);
            assertThat(server.stats().allocationsActive()).isEqualTo(1);
        }
    }

    @Test
    void configuredPemCertificateIsPresented(@TempDir Path dir) throws Exception {
        TlsContexts.SelfSigned mine = TlsContexts.selfSigned("relay.example.test");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, TrustAllTls.pem("CERTIFICATE", mine.certificate().getEncoded()));
        Files.writeString(key, TrustAllTls.pem("PRIVATE KEY", mine.keys().getPrivate().getEncoded()));
        try (TurnServer server = TestServers.start(b -> b.tlsCertificate(cert, key));
             SSLSocket s = TlsSockets.connect(server.tlsAddress())) {
            assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(mine.certificate());
        }
    }

    @Test
    void plainBytesOnTheTlsPortCloseTheConnection() throws IOException {
        try (TurnServer server = TestServers.start();
             Socket s = new Socket()) {
            s.connect(server.tlsAddress(), 2000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0, 1, 0, 0, 0x21, 0x12, (byte) 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
            out.flush();
            s.setSoTimeout(5000);
            assertThat(drainToEof(s)).as("closed by the server").isTrue();
            try (TurnTestClient c = TurnTestClient.tls(server.tlsAddress()).credentials(USER, PASSWORD)) {
                c.allocate();
            }
        }
    }

    @Test
    void garbageInsideTlsClosesThatConnectionAndItsAllocation() throws IOException {
        try (TurnServer server = TestServers.start();
             SSLSocket s = TlsSockets.connect(server.tlsAddress());
             TurnTestClient other = TurnTestClient.tls(server.tlsAddress()).credentials(USER, PASSWORD)) {
            other.allocate();
            s.getOutputStream().write(new byte[] {(byte) 0xC0, 0, 0, 4, 1, 2, 3, 4});
            s.getOutputStream().flush();
            assertThat(drainToEof(s)).as("closed by the server").isTrue();
            assertThat(server.stats().refusals(Refusal.GARBAGE)).isEqualTo(1);
            assertThat(server.stats().allocationsActive()).as("the other client is untouched").isEqualTo(1);
            assertThat(other.refresh(600).messageClass()).isEqualTo(dev.peerlink.stun.StunClass.SUCCESS_RESPONSE);
        }
    }

    @Test
    void connectionsBeyondThePerIpLimitAreClosedOnAccept() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.maxTcpConnectionsPerIp(3))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    held.add(TlsSockets.connect(server.tlsAddress()));
                }
                // The limit is shared by the TCP and TLS listeners.
                try (Socket s = new Socket()) {
                    s.connect(server.tcpAddress(), 2000);
                    s.setSoTimeout(5000);
                    assertThat(drainToEof(s)).as("fourth connection from 127.0.0.1 closed").isTrue();
                }
                assertThat(server.stats().refusals(Refusal.CONNECTION_LIMIT)).isEqualTo(1);
                // Another source IP still gets in.
                try (Socket s = new Socket()) {
                    s.bind(new InetSocketAddress("127.0.0.2", 0));
                    s.connect(server.tcpAddress(), 2000);
                    try (TurnTestClient c = TurnTestClient.tcp(server.tcpAddress()).credentials(USER, PASSWORD)) {
                        assertThatThrownBy(c::allocate).as("127.0.0.1 still over its limit").isInstanceOf(IOException.class);
                    }
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            // Closed connections free their slots.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                try (TurnTestClient c = TurnTestClient.tls(server.tlsAddress()).credentials(USER, PASSWORD)) {
                    c.allocate();
                }
            });
        }
    }

    @Test
    void tcpCanListenOnItsOwnPort() throws IOException {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, TestServers.LOOPBACK)) {
            port = free.getLocalPort();
        }
        try (TurnServer server = TestServers.start(b -> b.tcpPort(port));
             TurnTestClient c = TurnTestClient.tcp(server.tcpAddress()).credentials(USER, PASSWORD)) {
            assertThat(server.tcpAddress().getPort()).isEqualTo(port);
            c.allocate();
        }
    }

    /** True when the server closes the stream (EOF or reset) before the socket's read timeout. */
    private static boolean drainToEof(Socket s) {
        try {
            while (s.getInputStream().read() >= 0) {
                // discard: a TLS alert may come first
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
