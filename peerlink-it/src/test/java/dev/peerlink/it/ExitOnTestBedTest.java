package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.it.ExitBed.Curl;
import dev.peerlink.it.ExitBed.Provider;
import dev.peerlink.it.ExitRequestLoop.Attempt;
import dev.peerlink.testkit.netns.ExecResult;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.Router;
import dev.peerlink.testkit.netns.TestBedAssumptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 across real NAT: three {@code share offer} providers behind full-cone, port-restricted and restricted-cone
 * NATs, one {@code share use --providers 2} requester behind a symmetric NAT, a real web server (python, HTTP and
 * HTTPS) on the public side. Curl in the requester's namespace fetches bodies intact through the SOCKS5 and HTTP
 * proxies, with the name resolved at the exit (only the providers' namespaces know it); the exit refuses the
 * metadata address, private and loopback destinations; the exit moves by score under 30 % loss and does not flap;
 * a crashed provider and then a cut network are failed over while an application keeps requesting.
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExitOnTestBedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Generous: failover is expected in a second or two; 15 s is Tailscale's documented HA failover. */
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(15);

    private Path dir;
    private NatTestBed bed;
    private ExitBed eb;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        TestBedAssumptions.assumeAvailable();
        String missing = ExitBed.unavailable();
        if (missing != null) {
            System.out.println("SKIPPED (ExitOnTestBedTest): " + missing);
        }
        Assumptions.assumeTrue(missing == null, missing);
        bed = NatTestBed.start();
        eb = new ExitBed(bed, dir, null);
        eb.start(20 << 20, NatType.FULL_CONE, NatType.PORT_RESTRICTED_CONE, NatType.RESTRICTED_CONE);
        // 11, 22 and 33 m from the requester: the nearest two are asked first, the third is the spare
        List<Provider> ps = List.of(eb.launchProvider("cone", NatType.FULL_CONE, "31.2398,121.4998,-10"),
                eb.launchProvider("portr", NatType.PORT_RESTRICTED_CONE, "31.2399,121.4998,-10"),
                eb.launchProvider("restr", NatType.RESTRICTED_CONE, "31.2400,121.4998,-10"));
        ps.forEach(ExitBed::awaitOffering);
        eb.startRequester(2);
        await().atMost(ExitBed.STEP).pollInterval(Duration.ofMillis(100)).until(() -> eb.connected().size() == 2);
        System.out.println("exit bed ready: connected " + eb.connected() + ", exit " + eb.currentExit());
    }

    @AfterAll
    void stop() throws Exception {
        if (eb != null) {
            eb.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    private Path out(String name) {
        return dir.resolve(name);
    }

    @Test
    @Order(1)
    void curlFetchesBodiesIntactThroughBothProxiesOverHttpAndHttpsWithTheNameResolvedAtTheExit() throws Exception {
        String big = ExitWeb.sha256(eb.web.big);
        String small = ExitWeb.sha256(eb.web.small);
        String cacert = eb.web.certificate().toString();
        for (boolean tls : new boolean[] {false, true}) {
            String base = ExitWeb.base(tls);
            List<String[]> ways = new ArrayList<>();
            ways.add(ExitBed.socks(base + "/big"));
            ways.add(ExitBed.socks(base + "/small"));
            if (!tls) { // absolute-form forwarding is for http:// only; https always tunnels
                ways.add(ExitBed.httpProxy(base + "/big"));
                ways.add(ExitBed.httpProxy(base + "/small"));
            }
            ways.add(ExitBed.tunnel(base + "/big"));
            ways.add(ExitBed.tunnel(base + "/small"));
            for (String[] way : ways) {
                String[] args = tls ? Stream.concat(Stream.of("--cacert", cacert), Stream.of(way)).toArray(String[]::new) : way;
                Path o = out("body");
                Curl c = eb.curl(o, 60, args);
                String what = String.join(" ", args);
                assertThat(c.ok()).as(what + " -> " + c + "\n" + eb.requester.describeOutput()).isTrue();
                assertThat(ExitWeb.sha256(o)).as(what).isEqualTo(way[way.length - 1].endsWith("/big") ? big : small);
                System.out.printf("%-70s %8d bytes in %.3f s%n", what.replace(cacert, "cert.pem"), c.size(), c.total());
            }
        }

        // the web server saw the request come from a provider's router, not from the requester's
        Curl ip = eb.curl(out("ip"), 20, ExitBed.socks(ExitWeb.base(false) + "/ip"));
        assertThat(ip.ok()).as(ip.toString()).isTrue();
        String via = Files.readString(out("ip")).strip();
        assertThat(eb.providerByWan(via)).as("source " + via).isNotNull();
        assertThat(via).isNotEqualTo(bed.router(NatType.SYMMETRIC).wanAddress().getHostAddress());

        // only the providers can resolve the name: the requester's namespace cannot, nor reach the site by name itself
        ExecResult here = eb.requesterHost().exec(Duration.ofSeconds(20), "getent", "hosts", ExitWeb.NAME);
        assertThat(here.exitCode()).as("getent in the requester's namespace: " + here).isEqualTo(2);
        Curl direct = eb.curl(out("direct"), 10, "--noproxy", "*", ExitWeb.base(false) + "/small");
        assertThat(direct.exit()).as("direct curl from the requester: " + direct).isEqualTo(6); // couldn't resolve host
        Provider exit = eb.providerByWan(via);
        ExecResult there = exit.host().exec(Duration.ofSeconds(20), "getent", "hosts", ExitWeb.NAME);
        assertThat(there.stdout()).as(there.toString()).contains(eb.web.address());
        // and the exit's flow log shows it dialled the name's address for the requester
        await().atMost(Duration.ofSeconds(10)).until(() -> flows(exit).stream().anyMatch(f -> f.path("host").asText().equals(ExitWeb.NAME)
                && f.path("ip").asText().equals(eb.web.address()) && f.path("requester").asText().equals("phone")
                && f.path("result").asText().equals("ok")));
    }

    @Test
    @Order(2)
    void theExitRefusesMetadataPrivateAndLoopbackDestinationsAndTheRequesterKeepsWorking() throws Exception {
        String exitBefore = eb.currentExit();
        Provider exit = eb.providers.get(exitBefore);
        long refusedBefore = refusals(exit);
        List<String> forbidden = List.of("http://169.254.169.254/latest/meta-data/", // cloud metadata (link-local)
                "http://192.168.1.1/", // private
                "http://intranet.test/", // a name the exit resolves to its own LAN's gateway (private, refused after DNS)
                "http://127.0.0.1:" + ExitWeb.HTTP_PORT + "/", // the provider's own loopback
                "http://localhost:" + ExitWeb.HTTP_PORT + "/");
        int refusals = 0;
        for (String url : forbidden) {
            Curl s = eb.curl(out("refused"), 20, ExitBed.socks(url));
            assertThat(s.exit()).as("SOCKS to " + url + ": " + s).isEqualTo(97); // CURLE_PROXY: rule set refused
            Curl h = eb.curl(out("refused"), 20, ExitBed.httpProxy(url));
            assertThat(h.exit()).as("HTTP proxy to " + url + ": " + h).isZero();
            assertThat(h.http()).as("HTTP proxy to " + url + ": " + h).isEqualTo(403);
            Curl t = eb.curl(out("refused"), 20, ExitBed.tunnel(url));
            assertThat(t.connect()).as("CONNECT to " + url + ": " + t).isEqualTo(403);
            assertThat(t.exit()).as("CONNECT to " + url + ": " + t).isEqualTo(56); // CONNECT tunnel failed
            refusals += 3;
        }
        // nothing crashed: the same exit carries the next request
        Curl ok = eb.curl(out("after"), 20, ExitBed.socks(ExitWeb.base(true) + "/small", "--cacert", eb.web.certificate().toString()));
        assertThat(ok.ok()).as(ok.toString()).isTrue();
        assertThat(ExitWeb.sha256(out("after"))).isEqualTo(ExitWeb.sha256(eb.web.small));
        assertThat(exit.process().isAlive()).isTrue();
        assertThat(eb.requester.isAlive()).isTrue();
        if (exitBefore.equals(eb.currentExit())) { // counts right: every refusal is in the exit's flow log, once
            int expected = refusals;
            await().atMost(Duration.ofSeconds(10)).until(() -> refusals(exit) - refusedBefore == expected);
            // the name only the exit can resolve was refused for what it resolved to (not a DNS failure), never dialled
            assertThat(flows(exit).stream().filter(f -> f.path("host").asText().equals("intranet.test")))
                    .hasSize(3).allMatch(f -> f.path("result").asText().equals("forbidden-destination") && !f.has("ip"));
        }
    }

    @Test
    @Order(3)
    void thirtyPercentLossOnTheExitsRouterMovesTheExitByScoreAndTwoHealthyProvidersDoNotFlap() throws Exception {
        await().atMost(ExitBed.STEP).until(() -> eb.connected().size() == 2);
        String lossy = eb.currentExit();
        String other = eb.connected().stream().filter(id -> !id.equals(lossy)).findFirst().orElseThrow();
        Router router = eb.providers.get(lossy).router();
        int mark = eb.events().size();
        long start = System.nanoTime();
        router.injectLoss(30);
        JsonNode moved;
        try {
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !eb.events("exit", mark).isEmpty());
            moved = eb.events("exit", mark).getFirst();
        } finally {
            router.clearLoss();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("degrade: 30 % loss on " + lossy + "'s router -> exit " + moved + " after " + ms + " ms");
        assertThat(moved.path("provider").asText()).isEqualTo(other);
        assertThat(moved.path("reason").asText()).isIn("better-score", "stalled");

        // both healthy again: the 5-s ping window of the lossy one drains, then both are equal; no switch at all
        int quiet = eb.events().size();
        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> eb.events("exit", quiet).isEmpty());
        assertThat(eb.events("provider-lost", mark)).as("nobody was lost, only demoted").isEmpty();
        assertThat(eb.connected()).containsExactlyInAnyOrder(lossy, other);
        assertThat(eb.currentExit()).isEqualTo(other);
    }

    @Test
    @Order(4)
    void aLoopOfRequestsSurvivesTheExitsProcessDyingThenTheNextExitsNetworkBeingCut() throws Exception {
        await().atMost(ExitBed.STEP).until(() -> eb.connected().size() == 2);
        Provider first = eb.providers.get(eb.currentExit());
        Provider second = eb.providers.get(eb.connected().stream().filter(id -> !id.equals(first.id())).findFirst().orElseThrow());
        Provider third = eb.providers.values().stream().filter(p -> !Set.of(first.id(), second.id()).contains(p.id()))
                .findFirst().orElseThrow();
        try (ExitRequestLoop loop = new ExitRequestLoop(eb.requesterHost(), dir, 1)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> loop.successesVia(first.wan(), 0) >= 3);

            // 1. the exit's provider crashes (SIGKILL): the loop goes on through the second, already connected
            long killed = System.nanoTime();
            ExitBed.crash(first.process());
            Attempt a = awaitRecovery(loop, killed, first, "crash of " + first.id());
            assertThat(a.via()).isEqualTo(second.wan());
            report("process killed", first, second, loop, killed, a);
            // the dead one is dropped once silent for twice the dead threshold (6 s)
            await().atMost(Duration.ofSeconds(20)).until(() -> eb.events("provider-lost", 0).stream()
                    .anyMatch(e -> e.path("provider").asText().equals(first.id())));

            // make-before-break: the spare connects in the background while the second carries the traffic
            await().atMost(Duration.ofSeconds(45)).until(() -> eb.connected().contains(third.id()));
            await().atMost(Duration.ofSeconds(10)).until(() -> second.id().equals(eb.currentExit()));
            long since = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).until(() -> loop.successesVia(second.wan(), since) >= 2);

            // 2. the second's network is cut (100 % loss at its router): the loop goes on through the third
            long cut = System.nanoTime();
            second.router().injectLoss(100);
            try {
                Attempt b = awaitRecovery(loop, cut, second, "network cut of " + second.id());
                assertThat(b.via()).isEqualTo(third.wan());
                report("network cut", second, third, loop, cut, b);
            } finally {
                second.router().clearLoss();
            }
        }
    }

    private Attempt awaitRecovery(ExitRequestLoop loop, long faultNanos, Provider failed, String fault) {
        try {
            await().atMost(FAILOVER_BOUND).pollInterval(Duration.ofMillis(20))
                    .until(() -> loop.firstSuccessAfter(faultNanos, failed.wan()).isPresent());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no request succeeded within " + FAILOVER_BOUND + " of the " + fault + ":\n"
                    + loop.describe(faultNanos) + eb.requester.describeOutput(), e);
        }
        Attempt a = loop.firstSuccessAfter(faultNanos, failed.wan()).orElseThrow();
        assertThat(Duration.ofNanos(a.endNanos() - faultNanos)).isLessThan(FAILOVER_BOUND);
        return a;
    }

    private static void report(String fault, Provider from, Provider to, ExitRequestLoop loop, long faultNanos, Attempt a) {
        System.out.printf("failover (%s, %s -> %s): first successful request %d ms after the fault, %d failed in between%n%s",
                fault, from.id(), to.id(), (a.endNanos() - faultNanos) / 1_000_000,
                loop.attempts().stream().filter(x -> x.endNanos() > faultNanos && x.endNanos() <= a.endNanos() && !x.ok()).count(),
                loop.describe(faultNanos).lines().limit(12).map(l -> l + "\n").reduce("", String::concat));
    }

    private List<JsonNode> flows(Provider p) throws IOException {
        Path log = dir.resolve("keys").resolve(p.id()).resolve("exit").resolve("flows.jsonl");
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    private long refusals(Provider p) throws IOException {
        return flows(p).stream().filter(f -> f.path("requester").asText().equals("phone")
                && f.path("result").asText().equals("forbidden-destination")).count();
    }
}
