package dev.peerlink.testkit.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real, throw-away {@code redis-server} for one test class: {@code @RegisterExtension static EmbeddedRedis REDIS = …}.
 * Before the class it starts Debian's {@code redis-server} on a free 127.0.0.1 port (no persistence, its own temp
 * directory, protected mode off since it listens on loopback only) and waits for {@code PONG}; after the class it stops
 * exactly the process it started. {@link #stopServer()} and {@link #restartServer()} let a test take Redis away and
 * bring it back on the same port (empty, as a real restart without persistence is). When the binary is missing or the
 * server cannot start, every test is skipped with the reason (printed too) rather than passed.
 */
public final class EmbeddedRedis implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private static final Duration START_DEADLINE = Duration.ofSeconds(30);

    private Path root;
    private Path binary;
    private Process server;
    private int port;
    private String unavailable;

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            binary = Stream.of(System.getProperty("peerlink.redis.server", "/usr/bin/redis-server"), "/usr/local/bin/redis-server")
                    .map(Path::of).filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new IOException("no redis-server binary (install the redis-server package)"));
            root = Files.createTempDirectory("peerlink-redis-");
            for (int attempt = 1; ; attempt++) {
                port = FixtureFiles.freeLoopbackPort();
                try {
                    launch();
                    break;
                } catch (IOException e) {
                    // the free port may have been taken between our probe and redis binding it
                    if (attempt == 3 || !FixtureFiles.tail(root.resolve("redis.log")).contains("Address already in use")) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            unavailable = "Redis tests skipped: " + e.getMessage();
            System.out.println(unavailable);
            afterAll(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeTrue(unavailable == null, () -> unavailable);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopServer();
        if (root != null) {
            FixtureFiles.deleteTree(root);
            root = null;
        }
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Kills the server (as a crash would: no save, connections reset). */
    public void stopServer() {
        if (server != null) {
            server.destroyForcibly();
            try {
                server.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    /** Starts a new, empty server on the same port after {@link #stopServer()}. */
    public void restartServer() throws Exception {
        if (server == null) {
            launch();
        }
    }

    private void launch() throws Exception {
        server = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--protected-mode", "no", "--save", "", "--appendonly", "no", "--dir", root.toString(),
                "--daemonize", "no", "--logfile", "")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("redis.log").toFile()))
                .start();
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("redis-server exited (" + server.exitValue() + "): " + FixtureFiles.tail(root.resolve("redis.log")));
            }
            if (pong()) {
                return;
            }
            server.waitFor(50, TimeUnit.MILLISECONDS); // the poll interval; returns early if the server dies
        }
        throw new IOException("redis-server did not answer PING within " + START_DEADLINE.toSeconds() + " s: " + FixtureFiles.tail(root.resolve("redis.log")));
    }

    /** One inline PING over a plain socket: no client library needed to know the server is up. */
    private boolean pong() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, buf.length);
            return new String(buf, 0, n, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }


}
