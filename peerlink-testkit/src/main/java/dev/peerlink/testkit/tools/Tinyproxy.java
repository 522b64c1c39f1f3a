package dev.peerlink.testkit.tools;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's {@code tinyproxy} on a free loopback port, in the foreground, with Basic credentials when given: a real HTTP
 * CONNECT proxy for the SDK's proxy tests. {@link #log()} shows the requests it handled ({@code LogLevel Connect}).
 */
public final class Tinyproxy implements AutoCloseable {
    private final ExternalTool process;
    private final Path config;
    private final int port;

    private Tinyproxy(ExternalTool process, Path config, int port) {
        this.process = process;
        this.config = config;
        this.port = port;
    }

    /** Skips the calling test, printing why, when tinyproxy is missing. */
    public static void assumeInstalled() {
        ExternalTool.assumeOnPath("tinyproxy", "tinyproxy");
    }

    /** Starts a proxy accepting clients from 127.0.0.1; {@code user}/{@code password} null: no authentication. */
    public static Tinyproxy start(String user, String password) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = Files.createTempFile("peerlink-tinyproxy-", ".conf");
        String auth = user == null ? "" : "BasicAuth " + user + " " + password + "\n";
        Files.writeString(config, "Port " + port + "\nListen 127.0.0.1\nTimeout 60\nLogLevel Connect\nMaxClients 64\n"
                + "Allow 127.0.0.1\n" + auth);
        ExternalTool t = ExternalTool.start(List.of("tinyproxy", "-d", "-c", config.toString()));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && t.isAlive()) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return new Tinyproxy(t, config, port);
            } catch (IOException notYet) {
                t.waitFor(Duration.ofMillis(50)); // the poll interval; returns early if tinyproxy exits
            }
        }
        String out = t.output();
        t.close();
        Files.deleteIfExists(config);
        throw new IOException("tinyproxy did not listen on " + port + ": " + out);
    }

    public int port() {
        return port;
    }

    /** {@code http://[user:password@]127.0.0.1:port}, as {@code --proxy} and {@code HTTPS_PROXY} take it. */
    public String url(String user, String password) {
        return "http://" + (user == null ? "" : user + ":" + password + "@") + "127.0.0.1:" + port;
    }

    /** What tinyproxy logged: one {@code Request ... CONNECT host:port} line per tunnel it opened. */
    public String log() {
        return process.output();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.close();
        Files.deleteIfExists(config);
    }
}
