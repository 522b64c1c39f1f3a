package dev.peerlink.testkit.netns;

import static dev.peerlink.testkit.netns.BedFixtures.JVM_START;
import static dev.peerlink.testkit.netns.BedFixtures.echo;
import static dev.peerlink.testkit.netns.BedFixtures.probe;
import static dev.peerlink.testkit.netns.BedFixtures.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

/** Router knobs: random loss, a broken link, forgetting NAT state, and hairpinning. */
@Tag("system")
class RouterFaultsSystemTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofMillis(300);
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create();


    @AfterEach
    void healRouters() {
        for (Router router : BED.bed().routers()) {
            router.clearLoss();
            router.restoreLink();
        }
    }

    @Test
    void lossDropsAboutTheRequestedShareAndClearLossRestores() {
        Router router = BED.bed().router(NatType.FULL_CONE);
        Host client = BED.bed().client(NatType.FULL_CONE);
        try (HostProcess sink = echo(BED.bed().server(), 7001)) {
            router.injectLoss(50);
            send(client, 200, "LOSSY");
            router.clearLoss();
            // Same path, FIFO queues: once the marker sent after clearLoss arrives, every earlier survivor has too.
            send(client, 1, "MARK1");
            sink.awaitOutput(Pattern.compile(" MARK1 0$"), JVM_START);
            long lossy = count(sink, " LOSSY ");
            assertThat(lossy).as("of 200 datagrams at 50%% loss").isBetween(50L, 150L);

            send(client, 200, "CLEAN");
            send(client, 1, "MARK2");
            sink.awaitOutput(Pattern.compile(" MARK2 0$"), JVM_START);
            assertThat(count(sink, " CLEAN ")).as("after clearLoss").isEqualTo(200);
            System.out.println("loss 50%: " + lossy + "/200 arrived; after clearLoss: 200/200");
        }
    }

    @Test
    void brokenLinkDropsEverythingUntilRestored() {
        Router router = BED.bed().router(NatType.SYMMETRIC);
        Host client = BED.bed().client(NatType.SYMMETRIC);
        try (HostProcess server = echo(BED.bed().server(), 7002)) {
            String to = target(BED.bed().server().primaryAddress(), 7002);
            router.breakLink();
            assertThat(probe(client, 2, REPLY_TIMEOUT, to)).singleElement()
                    .satisfies(p -> assertThat(p.answered()).isZero());
            assertThat(server.stdoutLines()).as("nothing crosses a broken link").noneMatch(l -> l.startsWith("RX "));
            router.restoreLink();
            assertThat(probe(client, 2, REPLY_TIMEOUT, to)).singleElement()
                    .satisfies(p -> assertThat(p.answered()).isEqualTo(2));
        }
    }

    @Test
    void fullConeAdmitsAnyoneToALiveMappingUntilConntrackIsFlushed() {
        TestBedAssumptions.assumeConntrackTool();
        Router router = BED.bed().router(NatType.FULL_CONE);
        Host client = BED.bed().client(NatType.FULL_CONE);
        try (HostProcess server = echo(BED.bed().server(), 7003);
             HostProcess punched = punch(client, 40000, target(BED.bed().server().primaryAddress(), 7003))) {
            server.awaitOutput(Pattern.compile("^RX " + Pattern.quote(router.wanAddress().getHostAddress()) + ":40000 .* punch$"),
                    JVM_START);
            String mapping = target(router.wanAddress(), 40000);
            // The open host never was a destination of the client: only endpoint-independent filtering lets it in.
            assertThat(probe(BED.bed().openHost(), 2, REPLY_TIMEOUT, mapping)).singleElement()
                    .satisfies(p -> assertThat(p.answered()).isEqualTo(2));
            String open = BED.bed().openHost().address().getHostAddress();
            assertThat(punched.stdoutLines()).anyMatch(l -> l.startsWith("RX " + open + ":"));

            router.flushConntrack();
            assertThat(probe(BED.bed().openHost(), 2, REPLY_TIMEOUT, mapping)).singleElement()
                    .satisfies(p -> assertThat(p.answered()).as("after flushConntrack").isZero());
        }
    }

    @Test
    void portRestrictedRouterHairpinsBetweenItsTwoClients() {
        Router router = BED.bed().router(NatType.PORT_RESTRICTED_CONE);
        Host a = BED.bed().client(NatType.PORT_RESTRICTED_CONE);
        Host b = BED.bed().secondClient();
        String wan = router.wanAddress().getHostAddress();
        try (HostProcess server = echo(BED.bed().server(), 7004);
             HostProcess punched = punch(a, 40001, target(BED.bed().server().primaryAddress(), 7004))) {
            server.awaitOutput(Pattern.compile("^RX " + Pattern.quote(wan) + ":40001 "), JVM_START);
            // b talks to a's public mapping; the router loops it back and presents b by its own public address.
            var r = probe(b, 2, REPLY_TIMEOUT, wan + ":40001");
            assertThat(r).singleElement().satisfies(p -> {
                assertThat(p.answered()).isEqualTo(2);
                assertThat(p.from()).isEqualTo(wan + ":40001");
            });
            assertThat(punched.stdoutLines()).anyMatch(l -> l.startsWith("RX " + wan + ":"));
        }
    }

    private static HostProcess punch(Host host, int localPort, String target) {
        HostProcess p = host.start(host.javaCommand(UdpTool.class.getName(), "punch", String.valueOf(localPort), target));
        p.awaitOutput(Pattern.compile("^LISTENING"), JVM_START);
        return p;
    }

    private static void send(Host host, int count, String tag) {
        try (HostProcess p = host.start(host.javaCommand(UdpTool.class.getName(), "send",
                BED.bed().server().primaryAddress().getHostAddress(), "7001", String.valueOf(count), tag))) {
            assertThat(p.awaitExit(JVM_START)).as(p.describeOutput()).isZero();
        }
    }

    private static long count(HostProcess sink, String tag) {
        return sink.stdoutLines().stream().filter(l -> l.contains(tag)).count();
    }
}
