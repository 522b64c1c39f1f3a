package dev.peerlink.testkit.netns;

import static dev.peerlink.testkit.netns.BedFixtures.JVM_START;
import static dev.peerlink.testkit.netns.BedFixtures.echo;
import static dev.peerlink.testkit.netns.BedFixtures.probe;
import static dev.peerlink.testkit.netns.BedFixtures.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 5780 §4.5 hairpinning as NAT discovery tests it: a second socket on the <em>same</em> host sends to the
 * first socket's public mapping. Every router claiming {@link NatType#hairpinning()} must loop it back; the
 * symmetric one must not. (The two-host variant is in {@link RouterFaultsSystemTest}.)
 */
@Tag("system")
class HairpinningSystemTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofMillis(300);
    private static final int LOCAL_PORT = 41_500;
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create();


    @ParameterizedTest
    @EnumSource(NatType.class)
    void secondSocketOnTheSameHostReachesTheFirstSocketsPublicMapping(NatType type) {
        Router router = BED.bed().router(type);
        Host client = BED.bed().client(type);
        String wan = router.wanAddress().getHostAddress();
        int serverPort = 7100 + type.ordinal();
        try (HostProcess server = echo(BED.bed().server(), serverPort);
             HostProcess a = punch(client, LOCAL_PORT, target(BED.bed().server().primaryAddress(), serverPort))) {
            // A's public mapping as the server sees it (random on the symmetric router).
            Matcher seen = server.awaitOutput(
                    Pattern.compile("^RX " + Pattern.quote(wan) + ":(\\d+) \\S+ punch$"), JVM_START);
            String mapping = wan + ":" + seen.group(1);

            // B: a fresh socket in another process on the same host (same inside address, other port).
            var r = probe(client, 2, REPLY_TIMEOUT, mapping);

            if (type.hairpinning()) {
                assertThat(r).singleElement().satisfies(p -> {
                    assertThat(p.answered()).as("A's echoes back to B").isEqualTo(2);
                    assertThat(p.from()).isEqualTo(mapping);
                });
                // A saw B by its public address (wan:port), not as 10.0.n.2.
                a.awaitOutput(Pattern.compile("^RX " + Pattern.quote(wan) + ":\\d+ \\S+ probe "), JVM_START);
            } else {
                // probe() has returned, i.e. both rounds waited REPLY_TIMEOUT: a hairpinned datagram would have
                // reached A long before (a round trip inside the bed takes well under a millisecond).
                assertThat(r).singleElement().satisfies(p -> assertThat(p.answered()).isZero());
                assertThat(a.stdoutLines()).noneMatch(l -> l.startsWith("RX "));
            }
        }
    }

    private static HostProcess punch(Host host, int localPort, String target) {
        HostProcess p = host.start(host.javaCommand(UdpTool.class.getName(), "punch", String.valueOf(localPort), target));
        p.awaitOutput(Pattern.compile("^LISTENING"), JVM_START);
        return p;
    }
}
