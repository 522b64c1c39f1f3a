package dev.peerlink.it;

import static org.awaitility.Awaitility.await;

import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.client.RetransmissionPolicy;
import dev.peerlink.stun.client.StunUdpClient;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** coturn's turnserver on loopback (no namespaces, no root): a reference STUN server for interop tests. */
final class LoopbackCoturn implements AutoCloseable {
    private final Process process;
    private final Path log;
    final InetSocketAddress primary;

    private LoopbackCoturn(Process process, Path log, InetSocketAddress primary) {
        this.process = process;
        this.log = log;
        this.primary = primary;
    }

    static Optional<String> availability() {
        for (String tool : List.of("turnserver", "turnutils_natdiscovery", "turnutils_stunclient")) {
            if (which(tool).isEmpty()) {
                return Optional.of("'" + tool + "' not found (install the coturn package; ./test.sh does as root)");
            }
        }
        return Optional.empty();
    }

    static void assumeAvailable() {
        availability().ifPresent(reason -> {
            System.out.println("SKIPPED (coturn interop): " + reason);
            Assumptions.abort(reason);
        });
    }

    /** Starts turnserver STUN-only; with {@code alternate} non-null it runs in RFC 5780 mode. */
    static LoopbackCoturn start(InetAddress primaryIp, InetAddress alternateIp) throws IOException {
        int port = freeUdpPort(primaryIp, alternateIp);
        int altPort = freeUdpPort(primaryIp, alternateIp);
        Path log = Files.createTempFile("peerlink-coturn", ".log");
        Path pid = Files.createTempFile("peerlink-coturn", ".pid");
        List<String> cmd = new ArrayList<>(List.of("turnserver", "-n", "--stun-only", "--no-auth", "--no-tls", "--no-dtls",
                "--no-cli", "--simple-log", "--log-file", "stdout", "--pidfile", pid.toString(),
                "--listening-port", String.valueOf(port), "--alt-listening-port", String.valueOf(altPort),
                "--listening-ip", primaryIp.getHostAddress()));
        if (alternateIp != null) {
            cmd.addAll(List.of("--listening-ip", alternateIp.getHostAddress()));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LoopbackCoturn c = new LoopbackCoturn(p, log, new InetSocketAddress(primaryIp, port));
        c.awaitAnswering();
        return c;
    }

    private void awaitAnswering() throws IOException {
        RetransmissionPolicy quick = new RetransmissionPolicy(Duration.ofMillis(100), Duration.ofMillis(50), 2, 2);
        try (StunUdpClient probe = StunUdpClient.bind(new InetSocketAddress(primary.getAddress(), 0), quick)) {
            await("turnserver answering on " + primary).atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("turnserver exited: " + output());
                }
                return probe.send(StunMessage.request(StunMethod.BINDING).build(), primary).get().isSuccess();
            });
        }
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }

    static int freeUdpPort(InetAddress... ips) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ips[0], 0))) {
                port = s.getLocalPort();
            }
            if (freeOnAll(port, ips)) {
                return port;
            }
        }
        throw new IOException("no UDP port free on all of " + List.of(ips));
    }

    private static boolean freeOnAll(int port, InetAddress... ips) {
        for (InetAddress ip : ips) {
            if (ip == null) {
                continue;
            }
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, port));
                 java.net.ServerSocket t = new java.net.ServerSocket(port, 1, ip)) {
                // both UDP and TCP free
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    static Optional<Path> which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Runs a coturn client tool to completion and returns its output. */
    static String run(Duration timeout, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out;
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            out = p.getInputStream().readAllBytes();
            throw new IllegalStateException(String.join(" ", cmd) + " timed out:\n" + new String(out, StandardCharsets.UTF_8));
        }
        out = p.getInputStream().readAllBytes();
        return new String(out, StandardCharsets.UTF_8);
    }
}
