package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peerlink connect} as a user runs it: a file piped through to {@code peer --echo}, its stderr events checked. */
class ConnectCliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    SignalServer server;
    CliProcess peer;

    @BeforeEach
    void start() throws Exception {
        server = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .dataDir(dir.resolve("server")).mappingMonitor(null).build(), List.of(), id -> Optional.empty());
        peer = CliProcess.start("peer", "--id", "pc", "--server", addr(), "--home", dir.resolve("pc").toString(), "--echo",
                "--loopback");
        peer.await("\\{\"event\":\"ready\"", Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() throws Exception {
        if (peer != null) {
            peer.close();
        }
        server.close();
    }

    String addr() {
        return "127.0.0.1:" + server.address().getPort();
    }

    @Test
    void theClosingLineCountsTheBytesEachWayAndTheTimingLinesNameEveryPhase() throws Exception {
        byte[] data = new byte[700_000];
        new Random(15).nextBytes(data);
        Path in = Files.write(dir.resolve("in"), data);
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "connect", "pc", "--id", "phone", "--server", addr(), "--home", dir.resolve("phone").toString(),
                "--loopback", "--timing"));
        Process p = new ProcessBuilder(cmd).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("connect exits").isTrue();
        List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(String.join("\n", lines)).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(data);

        List<JsonNode> events = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("{")) {
                events.add(JSON.readTree(l));
            }
        }
        JsonNode closed = events.stream().filter(e -> e.path("event").asText().equals("closed")).findFirst().orElseThrow();
        assertThat(closed.path("sentBytes").asLong()).isEqualTo(data.length);
        assertThat(closed.path("receivedBytes").asLong()).isEqualTo(data.length);
        assertThat(closed.path("transferMs").isIntegralNumber()).isTrue();
        assertThat(closed.path("transferMs").asLong()).isNotNegative();
        assertThat(events.stream().map(e -> e.path("event").asText()).filter(e -> !e.equals("phase")).toList())
                .containsExactly("connected", "closed");
        List<String> phases = events.stream().filter(e -> e.path("event").asText().equals("phase"))
                .map(e -> e.path("phase").asText()).toList();
        assertThat(phases).contains("main", "registered", "nat", "connected", "first-byte-out", "first-byte-in", "closed");
        long firstIn = events.stream().filter(e -> e.path("phase").asText().equals("first-byte-in")).findFirst()
                .orElseThrow().path("ms").asLong();
        long connected = events.stream().filter(e -> e.path("phase").asText().equals("connected")).findFirst()
                .orElseThrow().path("ms").asLong();
        assertThat(firstIn).isGreaterThanOrEqualTo(connected);
    }
}
