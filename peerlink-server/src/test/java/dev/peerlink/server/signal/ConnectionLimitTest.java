package dev.peerlink.server.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.server.signal.internal.ConnectionLimit;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The signalling server refuses connections beyond its limit at once and keeps serving the ones it holds. */
class ConnectionLimitTest {
    private static final class Inbox implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        String next() throws InterruptedException {
            String s = texts.poll(5, TimeUnit.SECONDS);
            assertThat(s).as("a message within 5 s").isNotNull();
            return s;
        }
    }

    @Test
    void refusesBeyondTheLimitAndKeepsServingHeldConnections() throws Exception {
        try (SignalServer server = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .mappingMonitor(null).maxConnections(2).build(), List.of(), id -> Optional.empty());
             HttpClient http = HttpClient.newHttpClient()) {
            URI uri = URI.create(server.url());
            assertThat(server.maxConnections()).isEqualTo(2);
            Inbox a = new Inbox();
            Inbox b = new Inbox();
            WebSocket wa = http.newWebSocketBuilder().buildAsync(uri, a).get(5, TimeUnit.SECONDS);
            WebSocket wb = http.newWebSocketBuilder().buildAsync(uri, b).get(5, TimeUnit.SECONDS);
            assertThat(a.next()).contains("\"type\":\"challenge\"");
            assertThat(b.next()).contains("\"type\":\"challenge\"");

            long t0 = System.nanoTime();
            assertThatThrownBy(() -> http.newWebSocketBuilder().buildAsync(uri, new Inbox()).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
            assertThat((System.nanoTime() - t0) / 1e9).as("refused at once, not timed out").isLessThan(4);
            assertThat(server.refusedConnections()).as("the JDK client may retry once").isBetween(1L, 2L);

            wa.sendText("{\"v\":1,\"type\":\"ping\",\"rid\":\"p1\"}", true).get(5, TimeUnit.SECONDS);
            assertThat(a.next()).contains("\"type\":\"pong\"").contains("\"rid\":\"p1\"");

            wb.abort();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> server.openConnections() <= 1);
            Inbox c = new Inbox();
            http.newWebSocketBuilder().buildAsync(uri, c).get(5, TimeUnit.SECONDS);
            assertThat(c.next()).as("a freed slot is usable again").contains("\"type\":\"challenge\"");
            wa.abort();
        }
    }

    @Test
    void acceptErrorsPauseTheListenerInsteadOfSpinning() {
        ConnectionLimit limit = new ConnectionLimit(10, System::currentTimeMillis);
        EmbeddedChannel listener = new EmbeddedChannel(limit.acceptErrorHandler());
        listener.pipeline().fireExceptionCaught(new IOException("accept(..) failed with error(-24): Too many open files"));
        listener.checkException(); // handled, not passed down the pipeline
        assertThat(listener.config().isAutoRead()).isFalse();
        listener.advanceTimeBy(1, TimeUnit.SECONDS);
        listener.runScheduledPendingTasks();
        assertThat(listener.config().isAutoRead()).isTrue();
        listener.finish();
    }

    @Test
    void defaultLimitLeavesAReserveBelowTheOpenFileLimit() {
        int max = ConnectionLimit.fromFileLimit();
        var os = (com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        assertThat((long) max).isLessThanOrEqualTo(os.getMaxFileDescriptorCount() - ConnectionLimit.RESERVED_FILES);
    }
}
