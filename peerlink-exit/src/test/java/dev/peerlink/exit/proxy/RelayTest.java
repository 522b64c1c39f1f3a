package dev.peerlink.exit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.exit.fake.DirectDialer;
import dev.peerlink.exit.proxy.LocalProxy.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay between client connections and flows: bounded buffering against a slow reader, half-close both ways. */
class RelayTest {
    private static final int TWENTY_MB = 20 * 1024 * 1024;
    private static Origins origins;
    private static ServerSocket countThenReply;
    private DirectDialer dialer;
    private LocalProxy proxy;

    @BeforeAll
    static void servers() throws IOException {
        origins = new Origins();
        // Reads to EOF, then answers how much it got: proof the flow's output was half-closed, not closed.
        countThenReply = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!countThenReply.isClosed()) {
                try {
                    Socket s = countThenReply.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            long n = s.getInputStream().transferTo(OutputStream.nullOutputStream());
                            s.getOutputStream().write((n + " bytes").getBytes(StandardCharsets.US_ASCII));
                        } catch (IOException ignored) {
                            // the client went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterAll
    static void close() throws IOException {
        origins.close();
        countThenReply.close();
    }

    @BeforeEach
    void start() throws IOException {
        dialer = new DirectDialer();
        proxy = LocalProxy.start(Config.loopbackSocks(0).withLoopbackHttp(0), dialer);
    }

    @AfterEach
    void stop() {
        proxy.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> dialer.openFlows() == 0);
    }

    @Test
    void twentyMegabytesThroughAnEchoToASlowReaderArriveIntactWithBoundedBuffering() throws Exception {
        byte[] data = Origins.seeded(TWENTY_MB, 99);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long total = 0;
        long maxBuffered = 0;
        try (Socket s = SocksTestClient.connect(proxy.socksAddress(), "localhost", origins.echoAddress().getPort(), 32 * 1024)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < data.length; off += 64 * 1024) {
                        out.write(data, off, Math.min(64 * 1024, data.length - off));
                    }
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                received.update(buf, 0, n);
                total += n;
                maxBuffered = Math.max(maxBuffered, proxy.stats().bufferedBytes());
                LockSupport.parkNanos(200_000); // a slow reader: the echo and the writer must wait for it
            }
            writer.get(10, TimeUnit.SECONDS);
        }

        assertThat(total).isEqualTo(TWENTY_MB);
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(Origins.sha256(data));
        // what the proxy held at once: one queue toward the exit, one write buffer toward the client, and a read each
        assertThat(maxBuffered).isPositive().isLessThan(1024 * 1024);
        ProxyStats stats = proxy.stats();
        assertThat(stats.bytesUp()).isEqualTo(TWENTY_MB);
        assertThat(stats.bytesDown()).isEqualTo(TWENTY_MB);
        await().atMost(Duration.ofSeconds(3)).until(() -> proxy.stats().openFlows() == 0);
    }

    @Test
    void clientEofHalfClosesTheFlowAndTheAnswerStillComesBackThroughSocks() throws Exception {
        byte[] data = Origins.seeded(1 << 20, 5);
        try (Socket s = SocksTestClient.connect(proxy.socksAddress(), "localhost", countThenReply.getLocalPort())) {
            s.getOutputStream().write(data);
            s.shutdownOutput();
            assertThat(SocksTestClient.readToEnd(s)).asString(StandardCharsets.US_ASCII).isEqualTo(data.length + " bytes");
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> proxy.stats().openFlows() == 0 && proxy.stats().openConnections() == 0);
    }

    @Test
    void clientEofHalfClosesTheFlowAndTheAnswerStillComesBackThroughAnHttpTunnel() throws Exception {
        try (Socket s = new Socket(proxy.httpAddress().getAddress(), proxy.httpAddress().getPort())) {
            s.setSoTimeout(5000);
            String target = "localhost:" + countThenReply.getLocalPort();
            s.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(s.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 200 Connection Established\r\n");
            s.getOutputStream().write(new byte[12345]);
            s.shutdownOutput();
            assertThat(SocksTestClient.readToEnd(s)).asString(StandardCharsets.US_ASCII).isEqualTo("12345 bytes");
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> proxy.stats().openFlows() == 0 && proxy.stats().openConnections() == 0);
    }

    /** The response head up to and including the blank line, read byte by byte so nothing after it is consumed. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }
}
