package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Coturn;
import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.Miniupnpd;
import dev.peerlink.testkit.netns.MiniupnpdConfig;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.Router;
import dev.peerlink.testkit.netns.ServerHost;
import dev.peerlink.testkit.netns.TestBedExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Path {@code mapped} on the real-NAT bed (issue 6 item 3): a device behind the port-restricted router, which runs
 * miniupnpd, serves a fixed TCP listen port mapped by UPnP ({@link MappedPeerMain}: {@code Peer.builder().listenPort(P)
 * .portMapper(...)}); the server's mapping monitor verifies the mapping; then {@code peerlink connect} from behind the
 * symmetric NAT reaches it by the mapping — the one pair where neither plain punching nor a reverse connection works —
 * and a 1 MB file comes back intact through the echo (data both ways).
 */
@Tag("system")
class MappedPathOnTestBedTest {
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.withCoturn();

    @TempDir
    Path dir;

    @Test
    void symmetricNatClientReachesAMappedDeviceByMapped() throws Exception {
        Optional<String> why = Miniupnpd.availability();
        if (why.isPresent()) {
            System.out.println("SKIPPED (miniupnpd): " + why.get());
            Assumptions.abort(why.get());
        }
        NatTestBed bed = BED.bed();
        ServerHost host = bed.server();
        List<AutoCloseable> extra = new ArrayList<>();
        try (LadderBed lb = new LadderBed(bed, dir)) {
            // miniupnpd needs an RFC 5780 STUN server on 3478/3479 (coturn); our server's STUN moves to 3578/3579
            extra.add(Coturn.startStunServer(host));
            String ip = host.primaryAddress().getHostAddress();
            lb.server = host.start(host.javaCommand("dev.peerlink.cli.Main", "server", "--listen", ip + ":7000",
                    "--stun", ip + ":3578", "--stun-alternate", host.alternateAddress().getHostAddress() + ":3579",
                    "--relay", ip + ":3480", "--data", dir.resolve("server-data").toString(), "--monitor-interval", "2"));
            lb.running.add(lb.server);
            lb.server.awaitOutput(Pattern.compile("signalling on"), LadderBed.STEP);
            Router router = bed.router(NatType.PORT_RESTRICTED_CONE);
            Miniupnpd miniupnpd = router.startMiniupnpd(MiniupnpdConfig.defaults(host));
            extra.add(miniupnpd);

            Host nasHost = bed.client(NatType.PORT_RESTRICTED_CONE);
            int port = 7001;
            HostProcess nas = nasHost.start(nasHost.javaCommand(MappedPeerMain.class.getName(), lb.serverAddress(), "nas",
                    dir.resolve("home-nas").toString(), String.valueOf(port), "upnp"));
            lb.running.add(nas);
            nas.awaitOutput(Pattern.compile("^READY$"), LadderBed.STEP);
            Matcher m = nas.awaitOutput(Pattern.compile("^MAPPED-VERIFIED (\\S+)$"), LadderBed.STEP);
            assertThat(m.group(1)).isEqualTo(router.wanAddress().getHostAddress() + ":" + port);

            Host sym = bed.client(NatType.SYMMETRIC);
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                LadderBed.Outcome o = lb.connect(sym, "sym-" + i, "nas", lb.payload(1 << 20, 11 + i), Duration.ofSeconds(60));
                System.out.println("symmetric -> mapped device: path " + o.path() + " in " + o.setupMs() + " ms, intact "
                        + o.intact());
                assertThat(o.intact()).as(o.output() + "\n" + nas.describeOutput()).isTrue();
                paths.add(o.path());
            }
            // data both ways over the mapped path only (no punch, birthday or relay to fall back on)
            LadderBed.Outcome only = lb.connect(sym, "sym-only", "nas", lb.payload(4 << 20, 99), Duration.ofSeconds(60),
                    "--paths", "mapped");
            System.out.println("symmetric -> mapped device, --paths mapped: path " + only.path() + " in "
                    + only.setupMs() + " ms, intact " + only.intact());
            assertThat(only.intact()).as(only.output() + "\n" + nas.describeOutput()).isTrue();
            assertThat(only.path()).isEqualTo("mapped");
            assertThat(paths).as("default ladder: mapped wins (it starts at once, as lan/direct)").containsOnly("mapped");
            nas.stdin().write("QUIT\n".getBytes(StandardCharsets.UTF_8));
            nas.stdin().flush();
        } finally {
            for (int i = extra.size() - 1; i >= 0; i--) {
                extra.get(i).close();
            }
        }
    }
}
