package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.ServerHost;
import dev.peerlink.testkit.netns.TestBedAssumptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network sharing across real NAT (issue 12): providers behind a full-cone and a port-restricted NAT announce through
 * their routers; a requester behind a symmetric NAT finds them by location and scene with the CLI. A third provider,
 * outside the requester's range, is not found; a fourth, in range but admitting only another device, is asked by
 * nobody.
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharingOnTestBedTest {
    private static final Duration STEP = Duration.ofSeconds(60);

    private Path dir;
    private NatTestBed bed;
    private final List<HostProcess> running = new ArrayList<>();
    private String server;

    @BeforeAll
    void start(@TempDir Path tmp) {
        dir = tmp;
        TestBedAssumptions.assumeAvailable();
        bed = NatTestBed.start();
        ServerHost s = bed.server();
        String ip = s.primaryAddress().getHostAddress();
        HostProcess p = s.start(s.javaCommand("dev.peerlink.cli.Main", "server", "--listen", ip + ":7000", "--stun", ip + ":3478",
                "--relay", ip + ":3480", "--data", dir.resolve("server-data").toString()));
        running.add(p);
        p.awaitOutput(Pattern.compile("signalling on"), STEP);
        server = ip + ":7000";
    }

    @AfterAll
    void stop() {
        for (HostProcess p : running) {
            p.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    private HostProcess offer(Host host, String id, String at, String... extra) {
        List<String> args = new ArrayList<>(List.of("share", "offer", "--id", id, "--server", server, "--home",
                dir.resolve("keys").resolve(id).toString(), "--at", at, "--services", "socks5,http-connect",
                "--down-kbps", "30000", "--up-kbps", "8000", "--rtt-ms", "30", "--network-type", "5g"));
        args.addAll(List.of(extra));
        HostProcess p = host.start(host.javaCommand("dev.peerlink.cli.Main", args.toArray(String[]::new)));
        running.add(p);
        p.awaitOutput(Pattern.compile("\"event\":\"offering\""), STEP);
        return p;
    }

    @Test
    void aRequesterBehindASymmetricNatFindsProvidersBehindOtherNats() throws Exception {
        // a station hall around 31.2397 N, 121.4998 E; the requester stands at its centre
        HostProcess near = offer(bed.client(NatType.FULL_CONE), "near", "31.23975,121.49985,-10");
        HostProcess below = offer(bed.client(NatType.PORT_RESTRICTED_CONE), "below", "31.2397,121.4998,-22");
        offer(bed.client(NatType.RESTRICTED_CONE), "far", "31.2450,121.4998,-10");
        HostProcess picky = offer(bed.openHost(), "picky", "31.23968,121.49978,-10", "--allow", "someone-else");

        Host requester = bed.client(NatType.SYMMETRIC, 0);
        HostProcess find = requester.start(requester.javaCommand("dev.peerlink.cli.Main", "share", "find", "--id", "phone",
                "--server", server, "--home", dir.resolve("keys").resolve("phone").toString(), "--at", "31.2397,121.4998,-10",
                "--scene", "subway-hall", "--radius", "100", "--need", "socks5", "--json"));
        running.add(find);
        int exit = find.awaitExit(STEP);
        String out = find.describeOutput();
        assertThat(exit).as(out).isZero();
        String json = out.lines().filter(l -> l.contains("\"providers\"")).findFirst().orElseThrow(() -> new AssertionError(out));
        JsonNode found = new ObjectMapper().readTree(json.substring(json.indexOf('{')));
        List<String> ids = new ArrayList<>();
        found.path("providers").forEach(p -> ids.add(p.path("deviceId").asText()));
        assertThat(ids).as(json).containsExactlyInAnyOrder("near", "below");
        found.path("providers").forEach(p -> {
            assertThat(p.path("distanceMeters").asLong() % 10).isZero();
            assertThat(p.has("location")).isFalse();
            assertThat(p.path("state").path("downKbps").asDouble()).isEqualTo(30000);
        });
        JsonNode stats = found.path("stats");
        assertThat(stats.path("candidates").asInt()).isEqualTo(3);
        assertThat(stats.path("refusedByPolicy").asInt()).isEqualTo(1);
        assertThat(stats.path("asked").asInt()).isEqualTo(2);
        near.awaitOutput(Pattern.compile("\"event\":\"access\".*\"requester\":\"phone\".*\"decision\":\"accept\""), STEP);
        below.awaitOutput(Pattern.compile("\"event\":\"access\".*\"requester\":\"phone\""), STEP);
        assertThat(picky.describeOutput()).doesNotContain("\"event\":\"access\"");
    }
}
