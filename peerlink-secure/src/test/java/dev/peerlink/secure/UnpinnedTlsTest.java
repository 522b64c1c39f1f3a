package dev.peerlink.secure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link TlsTransport#acceptUnpinned}: the responder learns who connected; the initiator still pins the responder. */
class UnpinnedTlsTest {
    final DeviceIdentity listener = DeviceIdentity.generate();
    final DeviceIdentity phone = DeviceIdentity.generate();
    final SessionConfig config = SessionConfig.defaults().withHandshakeTimeout(java.time.Duration.ofSeconds(5));

    record Attempt(CompletableFuture<SecureSession> client, CompletableFuture<SecureSession> server) {}

    Attempt start(PeerIdentity clientPins) throws IOException {
        ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture<SecureSession> s = new CompletableFuture<>();
        CompletableFuture<SecureSession> c = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (ss) {
                s.complete(TlsTransport.acceptUnpinned(ss.accept(), listener, config));
            } catch (Throwable e) {
                s.completeExceptionally(e);
            }
        });
        Thread.ofVirtual().start(() -> {
            try {
                c.complete(TlsTransport.connect(new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort()), phone,
                        clientPins, config));
            } catch (Throwable e) {
                c.completeExceptionally(e);
            }
        });
        return new Attempt(c, s);
    }

    @Test
    void responderReportsTheIdentityTheInitiatorProved() throws Exception {
        Attempt a = start(listener.publicIdentity());
        try (SecureSession c = a.client().get(20, TimeUnit.SECONDS); SecureSession s = a.server().get(20, TimeUnit.SECONDS)) {
            assertThat(s.peerIdentity()).isEqualTo(phone.publicIdentity());
            assertThat(c.peerIdentity()).isEqualTo(listener.publicIdentity());
            SecureStream st = c.openStream();
            st.output().write("hello".getBytes(StandardCharsets.UTF_8));
            st.output().close();
            SecureStream in = s.acceptStream();
            assertThat(new String(in.input().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
    }

    @Test
    void initiatorStillRefusesAResponderThatIsNotThePinnedOne() throws Exception {
        Attempt a = start(DeviceIdentity.generate().publicIdentity());
        Throwable c = Harness.failureOf(a.client());
        assertThat(c).isInstanceOf(SecureHandshakeException.class);
        assertThat(((SecureHandshakeException) c).pinMismatch()).isTrue();
        assertThat(Harness.failureOf(a.server())).isInstanceOf(SecureHandshakeException.class);
    }
}
