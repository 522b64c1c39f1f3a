package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.LadderConfig;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peerlink peer --server A,B}: when A dies the device re-registers at B and is reachable through B. */
class PeerFailoverCliTest {
    @TempDir
    Path dir;

    static SignalServer server(int port) throws Exception {
        return SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", port))
                .heartbeat(Duration.ofSeconds(5)).mappingMonitor(null).build(), List.of(), id -> Optional.empty());
    }

    @Test
    void peerMovesToTheSecondServerWhenTheFirstDies() throws Exception {
        int bPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            bPort = s.getLocalPort(); // B starts later: the peer registers at A whichever it tries first
        }
        SignalServer a = server(0);
        SignalServer b = null;
        int aPort = a.address().getPort();
        try (CliProcess peer = CliProcess.start("peer", "--id", "cli-mover", "--server", "127.0.0.1:" + aPort + ",127.0.0.1:" + bPort,
                "--home", dir.resolve("mover").toString(), "--echo", "--loopback")) {
            peer.await("\\{\"event\":\"ready\".*\"server\":\"ws://127.0.0.1:" + aPort + "/v1/signal\"", Duration.ofSeconds(60));
            b = server(bPort);
            a.close();
            peer.await("\\{\"event\":\"registered\".*\"server\":\"ws://127.0.0.1:" + bPort + "/v1/signal\"", Duration.ofSeconds(5));
            assertThat(b.onlineDevices()).isEqualTo(1);

            try (Peer late = Peer.builder().identity(DeviceIdentity.ephemeral(DeviceId.of("late"))).server(b.url())
                    .discovery(false).ladder(LadderConfig.defaults().withLoopback(true)).build()) {
                late.start().get(10, TimeUnit.SECONDS);
                PeerConnection c = late.connect(Identity.device("cli-mover")).get(20, TimeUnit.SECONDS);
                byte[] data = new byte[64 * 1024];
                new Random(4).nextBytes(data);
                SecureStream st = c.openStream();
                Thread writer = Thread.ofVirtual().start(() -> {
                    try (OutputStream out = st.output()) {
                        out.write(data);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                byte[] back;
                try (InputStream in = st.input()) {
                    back = in.readAllBytes();
                }
                writer.join();
                assertThat(back).as("echoed by the moved CLI peer, brokered by B").isEqualTo(data);
            }
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
        }
    }
}
