package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerlink share offer} and {@code peerlink share use} as real processes on loopback: curl through the
 * requester's SOCKS5 and HTTP proxies reaches a web server through a provider; the exit moves when its provider dies.
 * Across real NAT: {@code ExitOnTestBedTest} in peerlink-it.
 */
class ShareUseCliTest {
    static final Path CURL = Path.of("/usr/bin/curl");
    @TempDir
    Path dir;
    SignalServer server;
    HttpServer web;
    byte[] big;
    final List<CliProcess> running = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).dataDir(dir.resolve("srv"))
                .mappingMonitor(null).build(), List.of(), id -> Optional.empty());
        big = new byte[3 << 20];
        new Random(3).nextBytes(big);
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        web.createContext("/big", x -> {
            x.sendResponseHeaders(200, big.length);
            try (var out = x.getResponseBody()) {
                out.write(big);
            }
        });
        web.createContext("/small", x -> {
            byte[] b = "hello through the exit\n".getBytes();
            x.sendResponseHeaders(200, b.length);
            try (var out = x.getResponseBody()) {
                out.write(b);
            }
        });
        web.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        web.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (CliProcess p : running) {
            p.close();
        }
        web.stop(0);
        server.close();
    }

    String addr() {
        return "127.0.0.1:" + server.address().getPort();
    }

    CliProcess cli(String... args) throws IOException {
        CliProcess p = CliProcess.start(args);
        running.add(p);
        return p;
    }

    CliProcess provider(String id, String at) throws IOException {
        CliProcess p = cli("share", "offer", "--id", id, "--server", addr(), "--home", dir.resolve(id).toString(), "--at", at,
                "--loopback", "--egress-allow", "127.0.0.1/32", "--down-kbps", "20000");
        p.await("\"event\":\"offering\"", Duration.ofSeconds(30));
        return p;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String curl(Path out, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CURL.toString(), "-sS", "--max-time", "20", "-o", out.toString(), "-w", "%{http_code}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + " " + printed.trim();
    }

    static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void curlThroughTheLocalProxiesReachesTheWebThroughAProviderAndFailsOverWhenItDies() throws Exception {
        if (!Files.isExecutable(CURL)) {
            System.out.println("SKIPPED (ShareUseCliTest): curl not installed");
        }
        Assumptions.assumeTrue(Files.isExecutable(CURL), "curl not installed");
        CliProcess a = provider("prov-a", "48.8566,2.3522");
        CliProcess b = provider("prov-b", "48.8567,2.3523");
        int socks = freePort(), http = freePort();
        CliProcess use = cli("share", "use", "--id", "laptop", "--server", addr(), "--home", dir.resolve("laptop").toString(),
                "--at", "48.8566,2.3522", "--scene", "outdoor", "--loopback", "--socks", "127.0.0.1:" + socks,
                "--http", "127.0.0.1:" + http, "--providers", "2");
        use.await("\"event\":\"proxy\"", Duration.ofSeconds(60));
        String firstExit = use.await("\"event\":\"exit\"", Duration.ofSeconds(5));
        String web = "http://localhost:" + this.web.getAddress().getPort();

        Path out = dir.resolve("out");
        assertThat(curl(out, "--socks5-hostname", "127.0.0.1:" + socks, web + "/big")).isEqualTo("0 200");
        assertThat(sha(Files.readAllBytes(out))).isEqualTo(sha(big));
        assertThat(curl(out, "-x", "http://127.0.0.1:" + http, web + "/small")).isEqualTo("0 200");
        assertThat(Files.readString(out)).isEqualTo("hello through the exit\n");
        assertThat(curl(out, "-p", "-x", "http://127.0.0.1:" + http, web + "/big")).isEqualTo("0 200");
        assertThat(sha(Files.readAllBytes(out))).isEqualTo(sha(big));
        // the provider refuses what it was not opened for: the metadata address, another loopback port is fine
        assertThat(curl(out, "-x", "http://127.0.0.1:" + http, "http://169.254.169.254/latest")).isEqualTo("0 403");
        assertThat(curl(out, "--socks5-hostname", "127.0.0.1:" + socks, "http://169.254.169.254/")).startsWith("97 ");

        // the provider carrying the exit dies: new requests go through the other one
        await().atMost(Duration.ofSeconds(20)).until(() -> use.output().contains("\"event\":\"connected\"")
                && use.lines.stream().filter(l -> l.contains("\"event\":\"connected\"")).count() == 2);
        String current = firstExit.contains("prov-a") ? "prov-a" : "prov-b";
        (current.equals("prov-a") ? a : b).process.destroyForcibly();
        long killed = System.nanoTime();
        String result = "";
        while (!result.equals("0 200")) {
            result = curl(out, "--max-time", "5", "--socks5-hostname", "127.0.0.1:" + socks, web + "/small");
            assertThat(System.nanoTime() - killed).as("requests keep failing: " + result + "\n" + use.output()).isLessThan(20_000_000_000L);
        }
        System.out.println("failover (loopback, process killed): first good request " + (System.nanoTime() - killed) / 1_000_000 + " ms after the kill");
        String other = current.equals("prov-a") ? "prov-b" : "prov-a";
        use.await("\"event\":\"exit\",\"provider\":\"" + other + "\"", Duration.ofSeconds(10));
        use.await("\"event\":\"provider-lost\",\"provider\":\"" + current + "\"", Duration.ofSeconds(10));
        // the flow log of the surviving provider shows the flows it carried
        Path log = dir.resolve(other).resolve("exit").resolve("flows.jsonl");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(log) && Files.readString(log).contains("\"requester\":\"laptop\""));
    }

    @Test
    void useExitsWithOneClearLineWhenNoProviderMatches() throws Exception {
        CliProcess use = cli("share", "use", "--id", "lonely", "--server", addr(), "--home", dir.resolve("lonely").toString(),
                "--at", "10,10", "--scene", "outdoor", "--loopback", "--socks", "127.0.0.1:" + freePort());
        assertThat(use.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(use.process.exitValue()).isEqualTo(3);
        assertThat(use.output()).contains("no provider matches");
    }
}
