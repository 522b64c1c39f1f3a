package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.ServerHost;
import dev.peerlink.testkit.netns.TestBedAssumptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two devices, each behind its own symmetric NAT (no direct path can exist), exchange data through
 * our TURN relay running on the test bed's public server.
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayOnTestBedTest {
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final int MESSAGES = 300;

    private NatTestBed bed;
    private HostProcess relay;
    private Path users;

    @BeforeAll
    void start() throws IOException {
        TestBedAssumptions.assumeAvailable();
        bed = NatTestBed.start();
        ServerHost server = bed.server();
        users = Files.createTempFile("peerlink-relay-users", ".txt");
        Files.writeString(users, "alice:alice-secret\nbob:bob-secret\n", StandardCharsets.UTF_8);
        String ip = server.primaryAddress().getHostAddress();
        relay = server.start(server.javaCommand("dev.peerlink.cli.Main", "relay",
                "--listen", ip + ":3478", "--relay-ip", ip, "--realm", "peerlink.test",
                "--users", users.toString(),
                // Both peers' relayed addresses live on this server's own IP.
                "--allow-peer", ip + "/32"));
        relay.awaitOutput(Pattern.compile("TURN relay on"), STEP);
    }

    @AfterAll
    void stop() throws IOException {
        if (relay != null) {
            relay.close();
        }
        if (bed != null) {
            bed.close();
        }
        if (users != null) {
            Files.deleteIfExists(users);
        }
    }

    private HostProcess device(Host host, String user, String password, String transport) {
        return host.start(host.javaCommand(RelayPeerMain.class.getName(),
                bed.server().primaryAddress().getHostAddress() + ":3478", user, password, transport));
    }

    private static void say(HostProcess p, String line) throws IOException {
        p.stdin().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        p.stdin().flush();
    }

    /** Waits for a line; on timeout fails with both devices' output, which says how far each got. */
    private static void awaitLine(HostProcess p, String line, HostProcess other) throws IOException {
        try {
            p.awaitOutput(Pattern.compile(Pattern.quote(line)), STEP);
        } catch (IllegalStateException e) {
            say(p, "REPORT");
            say(other, "REPORT");
            throw new AssertionError(e.getMessage() + "\n" + p.describeOutput() + "\n" + other.describeOutput(), e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"UDP", "TCP"})
    void devicesBehindTwoSymmetricNatsTalkThroughTheRelay(String transport) throws Exception {
        Host hostA = bed.client(NatType.SYMMETRIC, 0);
        Host hostB = bed.client(NatType.SYMMETRIC, 1);
        try (HostProcess a = device(hostA, "alice", "alice-secret", transport);
             HostProcess b = device(hostB, "bob", "bob-secret", transport)) {
            Matcher ra = a.awaitOutput(Pattern.compile("RELAYED (\\S+)"), STEP);
            Matcher rb = b.awaitOutput(Pattern.compile("RELAYED (\\S+)"), STEP);
            assertThat(ra.group(1)).startsWith(bed.server().primaryAddress().getHostAddress() + ":");
            say(a, "PEER " + rb.group(1));
            say(b, "PEER " + ra.group(1));
            a.awaitOutput(Pattern.compile("READY"), STEP);
            b.awaitOutput(Pattern.compile("READY"), STEP);
            say(a, "SEND " + MESSAGES + " 1000");
            say(b, "SEND " + MESSAGES + " 1000");
            awaitLine(b, "RECEIVED " + MESSAGES, a);
            awaitLine(a, "RECEIVED " + MESSAGES, b);
            say(a, "QUIT");
            say(b, "QUIT");
            assertThat(a.awaitExit(STEP)).as(a.describeOutput()).isZero();
            assertThat(b.awaitExit(STEP)).as(b.describeOutput()).isZero();
        }
    }
}
