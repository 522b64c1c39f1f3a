package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.ServerHost;
import dev.peerlink.testkit.netns.TestBedExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode on real NAT (issue 16): three {@code peerlink server --cluster --registry} instances on the bed's
 * server host, sharing a redis-server and a PostgreSQL started there; each pair of devices below sits on two different
 * instances and must connect by the path its NATs allow — reverse (open → firewalled), punch (port-restricted →
 * port-restricted) and relay (symmetric → symmetric) — and echo 1 MB intact.
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterOnTestBedTest {
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create().matrix();

    @TempDir
    static Path dir;
    LadderBed lb;
    Path pgRoot;
    final List<HostProcess> infra = new ArrayList<>();
    final List<String> instances = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        NatTestBed bed = BED.bed();
        lb = new LadderBed(bed, dir);
        ServerHost s = bed.server();
        String ip = s.primaryAddress().getHostAddress();
        Path pgBin = postgresBinaries();
        Assumptions.assumeTrue(pgBin != null && Files.isExecutable(Path.of("/usr/bin/redis-server")),
                () -> print("cluster bed test skipped: redis-server or PostgreSQL binaries missing"));

        infra.add(s.start("redis-server", "--port", "6379", "--bind", ip, "--save", "", "--appendonly", "no", "--protected-mode", "no"));
        Awaitility.await().atMost(LadderBed.STEP).until(() -> s.exec(Duration.ofSeconds(2), "redis-cli", "-h", ip, "PING").exitCode() == 0);
        startPostgres(s, ip, pgBin);

        String redis = "redis://" + ip + ":6379";
        String registry = "jdbc:postgresql://" + ip + ":5432/postgres"; // the database initdb made
        String alt = s.alternateAddress().getHostAddress();
        for (int i = 0; i < 3; i++) {
            String id = "b" + (i + 1);
            int stun = 3478 + 10 * i;
            HostProcess p = s.start(s.javaCommand("dev.peerlink.cli.Main", "server", "--listen", ip + ":" + (7000 + i),
                    "--stun", ip + ":" + stun, "--stun-alternate", alt + ":" + (stun + 1), "--relay", ip + ":" + (stun + 2),
                    "--cluster", redis, "--registry", registry, "--registry-user", "peerlink", "--instance-id", id,
                    "--admin", "off", "--no-transfer", "--data", dir.resolve(id).toString()));
            lb.running.add(p);
            p.awaitOutput(Pattern.compile("cluster instance " + id), LadderBed.STEP);
            instances.add(ip + ":" + (7000 + i));
        }
        lb.startPeerOn(instances.get(1), bed.firewalledHost(0), "firewalled-0");
        lb.startPeerOn(instances.get(2), bed.client(NatType.PORT_RESTRICTED_CONE, 1), "portr-1");
        lb.startPeerOn(instances.get(0), bed.client(NatType.SYMMETRIC, 1), "sym-1");
    }

    private void startPostgres(ServerHost s, String ip, Path bin) throws Exception {
        pgRoot = Files.createTempDirectory("peerlink-bed-pg-");
        Path data = pgRoot.resolve("data");
        run("chown", "postgres", pgRoot.toString());
        run("runuser", "-u", "postgres", "--", bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust",
                "-U", "peerlink", "--no-sync", "-E", "UTF8", "--locale=C");
        // initdb trusts loopback only; the instances connect over the server host's public address
        Files.writeString(data.resolve("pg_hba.conf"), "host all all 0.0.0.0/0 trust\n", java.nio.file.StandardOpenOption.APPEND);
        infra.add(s.start("runuser", "-u", "postgres", "--", bin.resolve("postgres").toString(), "-D", data.toString(),
                "-h", ip, "-p", "5432", "-k", pgRoot.toString(), "-c", "fsync=off"));
        Awaitility.await().atMost(LadderBed.STEP).until(() ->
                s.exec(Duration.ofSeconds(2), bin.resolve("pg_isready").toString(), "-h", ip, "-p", "5432").exitCode() == 0);
    }

    @AfterAll
    void stop() throws Exception {
        if (lb != null) {
            lb.close();
        }
        for (int i = infra.size() - 1; i >= 0; i--) {
            infra.get(i).close();
        }
        if (pgRoot != null) {
            run("rm", "-rf", pgRoot.toString());
        }
    }

    @Test
    void devicesOnDifferentInstancesConnectByReversePunchAndRelay() throws Exception {
        NatTestBed bed = BED.bed();
        Path input = lb.payload(1 << 20, 16);
        List<String> problems = new ArrayList<>();
        expect(problems, "reverse", lb.connectVia(instances.get(0), bed.openHost(0), "open-0-c", "firewalled-0", input,
                Duration.ofSeconds(90)));
        expect(problems, "punch", lb.connectVia(instances.get(1), bed.client(NatType.PORT_RESTRICTED_CONE, 0), "portr-0-c",
                "portr-1", input, Duration.ofSeconds(90)));
        expect(problems, "relay", lb.connectVia(instances.get(2), bed.client(NatType.SYMMETRIC, 0), "sym-0-c", "sym-1", input,
                Duration.ofSeconds(90)));
        assertThat(problems).as("cross-instance pairs").isEmpty();
    }

    private static void expect(List<String> problems, String path, LadderBed.Outcome o) {
        System.out.println("cluster pair expecting " + path + ": exit " + o.exit() + ", path " + o.path() + ", setup " + o.setupMs()
                + " ms, intact " + o.intact());
        if (!o.intact() || !path.equals(o.path())) {
            problems.add("expected " + path + ", got exit " + o.exit() + " path " + o.path() + " intact " + o.intact() + "\n" + o.output());
        }
    }

    private static Path postgresBinaries() throws IOException {
        Path lib = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(lib)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(lib)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres")))
                    .max(Path::compareTo).orElse(null);
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    private static String print(String s) {
        System.out.println(s);
        return s;
    }
}
