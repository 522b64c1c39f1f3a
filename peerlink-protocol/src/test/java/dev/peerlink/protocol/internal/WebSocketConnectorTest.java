package dev.peerlink.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.buffer.Unpooled;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebSocketConnectorTest {
    private static final WebSocketConnector.Options OPTIONS =
            new WebSocketConnector.Options(Duration.ofSeconds(5), 1 << 20, 256 << 10, null);
    private final TestWebSocketServer server;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    WebSocketConnectorTest() throws InterruptedException {
        server = new TestWebSocketServer(null);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        server.close();
    }

    /** Records every event with the thread it ran on. */
    static final class Recorder implements WebSocketListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void onText(WebSocketConnection c, String text) {
            record("text " + text);
        }

        @Override
        public void onBinary(WebSocketConnection c, byte[] data) {
            record("binary " + data.length);
        }

        @Override
        public void onClose(WebSocketConnection c, int code, String reason) {
            record("close " + code + " " + reason);
        }

        @Override
        public void onError(WebSocketConnection c, Throwable error) {
            record("error " + error.getMessage());
        }

        void record(String e) {
            threads.add(Thread.currentThread().getName());
            events.add(e);
        }
    }

    private WebSocketConnection open(WebSocketListener l) throws Exception {
        WebSocketConnector ws = WebSocketConnector.shared();
        WebSocketConnection c = ws.connect(server.uri("/ws"), OPTIONS, l, ws.callbacks()).get(5, TimeUnit.SECONDS);
        toClose.add(c::abort);
        return c;
    }

    @Test
    void messagesArriveInOrderOffTheEventLoopAndTheServersCloseCodeAndReasonAreReported() throws Exception {
        Recorder r = new Recorder();
        WebSocketConnection c = open(r);
        Channel peer = server.opened.poll(5, TimeUnit.SECONDS);
        for (int i = 0; i < 500; i++) {
            c.sendText("up " + i);
            peer.write(new TextWebSocketFrame("down " + i));
        }
        peer.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[3000])));
        peer.writeAndFlush(new CloseWebSocketFrame(4001, "going away for a test"));
        await().atMost(Duration.ofSeconds(10)).until(() -> r.events.size() == 502);
        for (int i = 0; i < 500; i++) {
            assertThat(r.events.get(i)).isEqualTo("text down " + i);
            assertThat(server.received.poll(5, TimeUnit.SECONDS)).isEqualTo("up " + i);
        }
        assertThat(r.events.subList(500, 502)).containsExactly("binary 3000", "close 4001 going away for a test");
        assertThat(r.threads).allMatch(t -> t.startsWith("peerlink-ws-callback"));
    }

    @Test
    void aMessageOverTheLimitEndsTheConnectionWithThatReason() throws Exception {
        Recorder r = new Recorder();
        open(r);
        server.opened.poll(5, TimeUnit.SECONDS).writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[(1 << 20) + 1])));
        await().atMost(Duration.ofSeconds(5)).until(() -> !r.events.isEmpty());
        assertThat(r.events).containsExactly("error frame larger than " + (1 << 20) + " bytes");
    }

    @Test
    void aBlockedListenerStopsTheReadingSoTheServerIsPushedBackNotBuffered() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> got = new CopyOnWriteArrayList<>();
        WebSocketListener slow = new WebSocketListener() {
            @Override
            public void onBinary(WebSocketConnection c, byte[] data) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                got.add(data[0] & 0xff);
            }

            @Override
            public void onClose(WebSocketConnection c, int code, String reason) {}

            @Override
            public void onError(WebSocketConnection c, Throwable error) {}
        };
        open(slow);
        Channel peer = server.opened.poll(5, TimeUnit.SECONDS);
        // 64 MiB, far beyond the 256 KiB read-ahead plus what the sockets' buffers hold
        int messages = 1024;
        for (int i = 0; i < messages; i++) {
            byte[] m = new byte[64 << 10];
            m[0] = (byte) i;
            peer.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(m)));
        }
        peer.flush();
        try {
            // a client that kept reading would have taken all 64 MiB off loopback long before this ends
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !peer.isWritable());
            assertThat(got).isEmpty();
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == messages);
        for (int i = 0; i < messages; i++) {
            assertThat(got.get(i)).isEqualTo(i & 0xff);
        }
    }

    @Test
    void aRefusedUpgradeFailsTheOpeningWithTheStatus() {
        WebSocketConnector ws = WebSocketConnector.shared();
        CompletableFuture<WebSocketConnection> f = ws.connect(server.uri("/nowhere"), OPTIONS, new Recorder(), ws.callbacks());
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasMessageContaining("404");
    }

    @Test
    void aRefusedConnectFailsTheOpening() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        WebSocketConnector ws = WebSocketConnector.shared();
        CompletableFuture<WebSocketConnection> f = ws.connect(URI.create("ws://127.0.0.1:" + port + "/ws"), OPTIONS, new Recorder(),
                ws.callbacks());
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void aServerThatNeverAnswersTheUpgradeTimesOutAfterTheConnectTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            WebSocketConnector ws = WebSocketConnector.shared();
            var options = new WebSocketConnector.Options(Duration.ofMillis(300), 1 << 20, 1 << 20, null);
            CompletableFuture<WebSocketConnection> f = ws.connect(URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/ws"),
                    options, new Recorder(), ws.callbacks());
            try (Socket accepted = silent.accept()) {
                assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class)
                        .hasMessageContaining("timed out after 300 ms");
            }
        }
    }

    @Test
    void aConnectionClosedHereReportsNothingMore() throws Exception {
        Recorder r = new Recorder();
        WebSocketConnection c = open(r);
        Channel peer = server.opened.poll(5, TimeUnit.SECONDS);
        c.close(1000, "bye");
        await().atMost(Duration.ofSeconds(5)).until(() -> !peer.isActive());
        c.sendText("after").exceptionally(e -> null).get(5, TimeUnit.SECONDS);
        assertThat(r.events).isEmpty();
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void goesThroughTheHttpProxyTheDefaultProxySelectorNames() throws Exception {
        java.net.ProxySelector before = java.net.ProxySelector.getDefault();
        try (TestConnectProxy proxy = new TestConnectProxy()) {
            java.net.ProxySelector.setDefault(java.net.ProxySelector.of(new java.net.InetSocketAddress("127.0.0.1", proxy.port())));
            Recorder r = new Recorder();
            WebSocketConnection c = open(r);
            Channel peer = server.opened.poll(5, TimeUnit.SECONDS);
            c.sendText("via the proxy");
            peer.writeAndFlush(new TextWebSocketFrame("back"));
            assertThat(server.received.poll(5, TimeUnit.SECONDS)).isEqualTo("via the proxy");
            await().atMost(Duration.ofSeconds(5)).until(() -> r.events.contains("text back"));
            assertThat(proxy.requests).containsExactly("CONNECT " + server.uri("").getAuthority() + " HTTP/1.1");
        } finally {
            java.net.ProxySelector.setDefault(before);
        }
    }

    @Test
    void pingsAreAnsweredWithTheirPayload() throws Exception {
        Recorder r = new Recorder();
        open(r);
        server.opened.poll(5, TimeUnit.SECONDS).writeAndFlush(new io.netty.handler.codec.http.websocketx.PingWebSocketFrame(
                Unpooled.copiedBuffer("are you there", java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(server.received.poll(5, TimeUnit.SECONDS)).isEqualTo("pong are you there");
        assertThat(r.events).isEmpty(); // control frames are not the listener's business
    }
}
