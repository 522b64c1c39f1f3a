package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.db.EmbeddedPostgres;
import dev.peerlink.testkit.db.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code peerlink server --cluster … --registry …} as written in the README: two instances, one device on each. */
class ClusterCliTest {
    @RegisterExtension
    static final EmbeddedRedis REDIS = new EmbeddedRedis();
    @RegisterExtension
    static final EmbeddedPostgres PG = new EmbeddedPostgres();

    @TempDir
    Path dir;
    final List<CliProcess> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void aDeviceReachesADeviceOnAnotherInstanceThroughTheCli() throws Exception {
        String registry = PG.createDatabase();
        int one = freePort();
        int two = freePort();
        instance("c1", one, registry);
        instance("c2", two, registry);
        CliProcess pc = CliProcess.start("peer", "--id", "pc", "--server", "127.0.0.1:" + one, "--home", dir.resolve("pc").toString(),
                "--echo", "--loopback");
        running.add(pc);
        pc.await("\\{\"event\":\"ready\"", Duration.ofSeconds(60));

        byte[] data = new byte[300_000];
        new Random(16).nextBytes(data);
        Path in = Files.write(dir.resolve("in"), data);
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "connect", "pc", "--id", "phone", "--server", "127.0.0.1:" + two, "--home", dir.resolve("phone").toString(), "--loopback");
        Process p = new ProcessBuilder(cmd).redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("connect exits").isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(data);

        RedisClient client = RedisClient.create(REDIS.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            // membership: each live instance's key names the signalling URL it was started with
            assertThat(c.sync().smembers("peerlink:instances")).contains("c1", "c2");
            assertThat(c.sync().get("peerlink:instance:c1")).isEqualTo("ws://127.0.0.1:" + one + "/v1/signal");
            assertThat(c.sync().get("peerlink:instance:c2")).isEqualTo("ws://127.0.0.1:" + two + "/v1/signal");
            assertThat(c.sync().get("pl:presence:pc")).isEqualTo("c1");
        } finally {
            client.shutdown();
        }
    }

    private void instance(String id, int port, String registry) throws Exception {
        CliProcess s = CliProcess.start("server", "--cluster", REDIS.uri(), "--registry", registry, "--registry-user",
                EmbeddedPostgres.SUPERUSER, "--instance-id", id, "--listen", "127.0.0.1:" + port, "--stun", "127.0.0.1:" + freePort(),
                "--no-relay", "--no-transfer", "--admin", "off", "--data", dir.resolve(id).toString());
        running.add(s);
        s.await("cluster instance " + id, Duration.ofSeconds(60));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
