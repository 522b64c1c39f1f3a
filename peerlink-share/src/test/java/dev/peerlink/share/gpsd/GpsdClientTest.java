package dev.peerlink.share.gpsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.share.Location;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a scripted in-process peer: framing, skipping, and how the end of a connection shows. */
class GpsdClientTest {
    private static final String BANNER = "{\"class\":\"VERSION\",\"release\":\"3.22\",\"rev\":\"3.22\",\"proto_major\":3,\"proto_minor\":14}\n";
    private static final String FIX = "{\"class\":\"TPV\",\"mode\":2,\"lat\":31.5,\"lon\":121.5}\n";

    private ServerSocket server;
    private Socket peer;

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws IOException {
        if (peer != null) {
            peer.close();
        }
        server.close();
    }

    private InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    /** Accepts on a helper thread while the client connects (the client blocks for the banner). */
    private GpsdClient connectWithBanner(String banner) throws Exception {
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                peer = server.accept();
                peer.getOutputStream().write(banner.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        GpsdClient client = GpsdClient.connect(address(), Duration.ofSeconds(3));
        acceptor.join();
        return client;
    }

    private void send(String text) throws IOException {
        OutputStream out = peer.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void sendsWatchAndSkipsBadLinesBeforeTheFix() throws Exception {
        try (GpsdClient client = connectWithBanner(BANNER)) {
            assertThat(client.release()).isEqualTo("3.22");
            var in = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("?WATCH={\"enable\":true,\"json\":true};");
            List<Location> heard = new CopyOnWriteArrayList<>();
            client.onFix(heard::add);

            send("x".repeat(GpsdMessages.MAX_LINE_CHARS + 10) + "\n"); // oversized, no JSON at all
            send("{\"class\":\"TPV\",\"mode\":3,\n"); // malformed
            send("{\"class\":\"TPV\",\"mode\":2,\"lat\":123,\"lon\":0}\n"); // out of range
            send("{\"class\":\"SKY\"}\n\r\n" + FIX);

            Location fix = client.awaitFix(Duration.ofSeconds(3));
            assertThat(fix.point().lat()).isEqualTo(31.5);
            assertThat(client.skippedLines()).isEqualTo(3);
            await().atMost(Duration.ofSeconds(3)).until(() -> heard.size() == 1);
            assertThat(client.latest()).contains(fix);
        }
    }

    @Test
    void peerClosingFailsAwaitFixPromptly() throws Exception {
        try (GpsdClient client = connectWithBanner(BANNER)) {
            peer.close();
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.awaitFix(Duration.ofSeconds(30))).isInstanceOf(IOException.class)
                    .hasMessageContaining("closed the connection");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(client.isConnected()).isFalse();
        }
    }

    @Test
    void closingTheClientFailsAwaitFix() throws Exception {
        GpsdClient client = connectWithBanner(BANNER);
        client.close();
        assertThatThrownBy(() -> client.awaitFix(Duration.ofSeconds(30))).isInstanceOf(IOException.class)
                .hasMessageContaining("client closed");
    }

    @Test
    void noFixInTimeIsATimeout() throws Exception {
        try (GpsdClient client = connectWithBanner(BANNER)) {
            send("{\"class\":\"TPV\",\"mode\":1}\n");
            assertThatThrownBy(() -> client.awaitFix(Duration.ofMillis(200))).isInstanceOf(TimeoutException.class);
            assertThat(client.latest()).isEmpty();
        }
    }

    @Test
    void aPeerThatIsNotGpsdIsRefused() {
        assertThatThrownBy(() -> connectWithBanner("SSH-2.0-OpenSSH_9.6\n")).isInstanceOf(GpsdProtocolException.class);
    }
}
