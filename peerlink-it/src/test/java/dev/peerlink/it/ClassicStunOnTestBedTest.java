package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.ExecResult;
import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.ServerHost;
import dev.peerlink.testkit.netns.TestBedAssumptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Debian's RFC 3489 {@code stun} client runs its classic NAT-type test (tests I, II, I', III) from
 * behind every bed router against our STUN server with an alternate address, and must report what 3489
 * can tell about that router: whether mapping is endpoint-independent and, if so, how it filters (and
 * whether it hairpins).
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClassicStunOnTestBedTest {
    private static final int PORT = 3494;
    private static final int ALT_PORT = 3495;
    private static final int SILENT_PORT = 3496;
    private static final Path STUN = Path.of("/usr/bin/stun");

    private NatTestBed bed;
    private HostProcess server;
    private HostProcess silent;

    @BeforeAll
    void startBed() {
        TestBedAssumptions.assumeAvailable();
        if (!Files.isExecutable(STUN)) {
            String reason = "/usr/bin/stun not found (install the stun-client package; ./test.sh does as root)";
            System.out.println("SKIPPED (classic STUN on the bed): " + reason);
            Assumptions.abort(reason);
        }
        bed = NatTestBed.start();
        ServerHost host = bed.server();
        server = host.start(host.javaCommand("dev.peerlink.cli.Main", "stun-server",
                "--primary", host.primaryAddress().getHostAddress() + ":" + PORT,
                "--alternate", host.alternateAddress().getHostAddress() + ":" + ALT_PORT));
        server.awaitOutput(Pattern.compile("STUN server on"), Duration.ofSeconds(60));
        silent = host.start(host.javaCommand("dev.peerlink.cli.Main", "stun-server", "--no-classic-stun",
                "--primary", host.primaryAddress().getHostAddress() + ":" + SILENT_PORT));
        silent.awaitOutput(Pattern.compile("STUN server on"), Duration.ofSeconds(60));
    }

    @AfterAll
    void stopBed() throws Exception {
        for (HostProcess p : new HostProcess[] {server, silent}) {
            if (p != null) {
                p.close();
            }
        }
        if (bed != null) {
            bed.close();
        }
    }

    /** The client's verdict line, e.g. "Primary: Independent Mapping, Port Dependent Filter, random port, will hairpin". */
    private String primary(Host host) {
        return primary(host, PORT);
    }

    private String primary(Host host, int port) {
        ExecResult r = host.exec(Duration.ofSeconds(60), STUN.toString(),
                bed.server().primaryAddress().getHostAddress() + ":" + port);
        String line = (r.stdout() + r.stderr()).lines().filter(l -> l.startsWith("Primary:")).findFirst()
                .orElse("(no verdict) " + r.stdout() + r.stderr());
        System.out.printf("stun from %s: %s%n", host, line.strip());
        return line;
    }

    /**
     * 3489 names filtering only for endpoint-independent mapping; a mapping that changes with the
     * destination is all it says about the symmetric routers (random or sequential ports alike).
     */
    @ParameterizedTest
    @EnumSource(NatType.class)
    void classicTestMatchesTheRouter(NatType type) {
        String verdict = primary(bed.client(type));
        String expected = switch (type) {
            case FULL_CONE -> "Independent Mapping, Independent Filter";
            case RESTRICTED_CONE -> "Independent Mapping, Address Dependent Filter";
            case PORT_RESTRICTED_CONE -> "Independent Mapping, Port Dependent Filter";
            case SYMMETRIC, SYMMETRIC_SEQUENTIAL -> "Dependent Mapping";
        };
        assertThat(verdict).contains(expected);
        // stund's own hairpin test (to its mapped address) agrees with how the bed builds the router.
        assertThat(verdict).contains(type.hairpinning() ? "will hairpin" : "no hairpin");
    }

    @Test
    void openHostIsOpen() {
        assertThat(primary(bed.openHost())).contains("Open");
    }

    /** {@code stun-server --no-classic-stun}: 3489 clients get no answer at all. */
    @Test
    void switchedOffTheClientSeesNothing() {
        assertThat(primary(bed.openHost(), SILENT_PORT)).contains("Blocked");
    }

    @Test
    void firewalledHostIsAFirewall() {
        assertThat(primary(bed.firewalledHost())).contains("Firewall");
    }
}
