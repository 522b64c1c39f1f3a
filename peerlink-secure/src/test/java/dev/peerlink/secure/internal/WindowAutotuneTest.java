package dev.peerlink.secure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.secure.TlsTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A stream's receive window grows on a path with a real round trip (a TCP relay that delays every byte 15 ms). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WindowAutotuneTest {
    static final long DELAY_NANOS = 15_000_000L;

    @Test
    void receiveWindowGrowsOnALongPath() throws Exception {
        DeviceIdentity a = DeviceIdentity.generate();
        DeviceIdentity b = DeviceIdentity.generate();
        SessionConfig cfg = SessionConfig.defaults().withIdleTimeout(java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(10));
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             DelayRelay relay = new DelayRelay(listener.getLocalPort())) {
            CompletableFuture<SecureSession> server = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    server.complete(TlsTransport.accept(listener.accept(), b, a.publicIdentity(), cfg));
                } catch (Exception e) {
                    server.completeExceptionally(e);
                }
            });
            SecureSession client = TlsTransport.connect(new Socket(InetAddress.getLoopbackAddress(), relay.port()), a,
                    b.publicIdentity(), cfg);
            SecureSession srv = server.get(20, TimeUnit.SECONDS);
            CompletableFuture<MuxStream> received = new CompletableFuture<>();
            CompletableFuture<Long> count = new CompletableFuture<>();
            srv.onStream(st -> {
                received.complete((MuxStream) st);
                try (InputStream in = st.input()) {
                    byte[] buf = new byte[256 * 1024];
                    long n = 0;
                    int k;
                    while ((k = in.read(buf)) >= 0) {
                        n += k;
                    }
                    count.complete(n);
                } catch (IOException e) {
                    count.completeExceptionally(e);
                }
            });
            long total = 12L << 20;
            SecureStream st = client.openStream();
            try (OutputStream out = st.output()) {
                byte[] chunk = new byte[256 * 1024];
                for (long sent = 0; sent < total; sent += chunk.length) {
                    out.write(chunk);
                }
            }
            assertThat(count.get(50, TimeUnit.SECONDS)).isEqualTo(total);
            assertThat(received.get().receiveWindow()).as("grown from the configured 1 MiB")
                    .isGreaterThan(cfg.streamWindow());
            client.close();
            srv.close();
        }
    }

    /** Relays one TCP connection to the target, holding every chunk DELAY_NANOS in each direction. */
    static final class DelayRelay implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final int target;
        private volatile Socket x;
        private volatile Socket y;

        DelayRelay(int target) throws IOException {
            this.target = target;
            Thread.ofPlatform().daemon().start(this::run);
        }

        int port() {
            return server.getLocalPort();
        }

        private void run() {
            try {
                x = server.accept();
                y = new Socket(InetAddress.getLoopbackAddress(), target);
                relay(x, y);
                relay(y, x);
            } catch (IOException e) {
                // closed
            }
        }

        record Chunk(byte[] data, long due) implements Delayed {
            @Override
            public long getDelay(TimeUnit unit) {
                return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
            }

            @Override
            public int compareTo(Delayed o) {
                return Long.compare(due, ((Chunk) o).due);
            }
        }

        private static void relay(Socket from, Socket to) {
            DelayQueue<Chunk> q = new DelayQueue<>();
            Thread.ofPlatform().daemon().start(() -> {
                byte[] buf = new byte[64 * 1024];
                try (InputStream in = from.getInputStream()) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        q.add(new Chunk(java.util.Arrays.copyOf(buf, n), System.nanoTime() + DELAY_NANOS));
                    }
                } catch (IOException e) {
                    // closed
                }
                q.add(new Chunk(null, System.nanoTime() + DELAY_NANOS));
            });
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    OutputStream out = to.getOutputStream();
                    while (true) {
                        Chunk c = q.take();
                        if (c.data == null) {
                            to.shutdownOutput();
                            return;
                        }
                        out.write(c.data);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed
                }
            });
        }

        @Override
        public void close() throws IOException {
            server.close();
            if (x != null) {
                x.close();
            }
            if (y != null) {
                y.close();
            }
        }
    }
}
