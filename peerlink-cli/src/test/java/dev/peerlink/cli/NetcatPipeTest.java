package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.secure.TlsTransport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NetcatPipeTest {
    @Test
    void sendsUntilEofThenReadsUntilTheRemoteCloses() throws Exception {
        DeviceIdentity a = DeviceIdentity.generate();
        DeviceIdentity b = DeviceIdentity.generate();
        SessionConfig cfg = SessionConfig.defaults();
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<SecureSession> server = CompletableFuture.supplyAsync(() -> {
                try {
                    return TlsTransport.accept(ss.accept(), b, a.publicIdentity(), cfg);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            try (SecureSession c = TlsTransport.connect(new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort()), a,
                    b.publicIdentity(), cfg); SecureSession s = server.get(20, TimeUnit.SECONDS)) {
                // the remote reads everything, then answers with a summary, then FINs
                Thread.ofVirtual().start(() -> {
                    try (SecureStream st = s.acceptStream()) {
                        byte[] all = st.input().readAllBytes();
                        st.output().write(("got " + all.length).getBytes(StandardCharsets.UTF_8));
                        st.output().close();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                NetcatPipe.run(c.openStream(), new ByteArrayInputStream(new byte[200_000]), out);
                assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("got 200000");
            }
        }
    }
}
