package dev.peerlink.testkit.netns;

import static dev.peerlink.testkit.netns.BedFixtures.JVM_START;
import static dev.peerlink.testkit.netns.BedFixtures.echo;
import static dev.peerlink.testkit.netns.BedFixtures.probe;
import static dev.peerlink.testkit.netns.BedFixtures.target;
import static dev.peerlink.testkit.netns.BedFixtures.tcpConnect;
import static dev.peerlink.testkit.netns.BedFixtures.tcpListen;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The connection-matrix bed ({@code NatTestBed.builder().matrix()}): every diagonal pair is two different hosts
 * behind two different routers of the same type, the second sites behave like their type, and the home LAN pair
 * (phone accepts inbound, pc firewalls it) behaves like seed 000's two machines.
 */
@Tag("system")
class MatrixBedSystemTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofMillis(400);
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(1500);
    private static final int LOCAL_PORT = 42_000;
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create().matrix();

    @Test
    void twoHostsOfEveryMatrixKindEachBehindItsOwnRouter() {
        NatTestBed bed = BED.bed();
        List<MatrixHost> hosts = bed.matrixHosts();
        hosts.forEach(h -> System.out.println("matrix host " + h));
        assertThat(hosts).extracting(MatrixHost::label).containsExactly(
                "open#0", "open#1", "firewalled#0", "firewalled#1", "full-cone#0", "full-cone#1",
                "restricted-cone#0", "restricted-cone#1", "port-restricted-cone#0", "port-restricted-cone#1",
                "symmetric#0", "symmetric#1");
        assertThat(hosts).extracting(h -> h.host().address().getHostAddress()).containsExactly(
                "203.0.113.20", "203.0.113.21", "203.0.113.30", "203.0.113.31", "10.0.1.2", "10.0.7.2",
                "10.0.2.2", "10.0.8.2", "10.0.3.2", "10.0.9.2", "10.0.4.2", "10.0.6.2");
        assertThat(hosts).allSatisfy(h -> {
            assertThat(h.host().kind()).isEqualTo(h.kind());
            assertThat(h.host().label()).isEqualTo(h.kind().label() + (h.index() == 0 ? "" : "#1"));
        });
        assertThat(hosts).extracting(h -> h.host().namespace()).doesNotHaveDuplicates();
        // Existing accessors are index 0 and unchanged.
        assertThat(bed.openHost()).isSameAs(bed.openHost(0));
        assertThat(bed.firewalledHost()).isSameAs(bed.firewalledHost(0));
        assertThat(bed.secondClient().address().getHostAddress()).isEqualTo("10.0.3.3");

        // Second routers: after the default six, in NatType order (SYMMETRIC's second was there already).
        assertThat(bed.routers()).extracting(r -> r.name() + " " + r.wanAddress().getHostAddress() + " "
                + r.lanAddress().getHostAddress()).containsExactly(
                "r-full 203.0.113.101 10.0.1.1", "r-restr 203.0.113.102 10.0.2.1", "r-portr 203.0.113.103 10.0.3.1",
                "r-sym 203.0.113.104 10.0.4.1", "r-seq 203.0.113.105 10.0.5.1", "r-sym2 203.0.113.106 10.0.6.1",
                "r-full2 203.0.113.107 10.0.7.1", "r-restr2 203.0.113.108 10.0.8.1",
                "r-portr2 203.0.113.109 10.0.9.1", "r-seq2 203.0.113.110 10.0.10.1");
        for (NatType type : NatType.values()) {
            assertThat(bed.routerCount(type)).isEqualTo(2);
            assertThat(bed.router(type, 1).type()).isEqualTo(type);
            assertThat(bed.router(type, 1).index()).isEqualTo(1);
            assertThat(bed.client(type, 1).kind()).isEqualTo(HostKind.of(type));
        }
        assertThat(bed.routers()).doesNotContain(bed.homeRouter());
        assertThat(bed.homeRouter().wanAddress().getHostAddress()).isEqualTo("203.0.113.111");
        assertThat(bed.lanPhone().address().getHostAddress()).isEqualTo("10.0.11.2");
        assertThat(bed.lanPc().address().getHostAddress()).isEqualTo("10.0.11.3");

        List<MatrixPair> pairs = bed.matrixPairs();
        assertThat(pairs).hasSize(36);
        assertThat(pairs).filteredOn(MatrixPair::diagonal).hasSize(6).allSatisfy(p -> {
            assertThat(p.from().index()).isZero();
            assertThat(p.to().index()).isOne();
            assertThat(p.from().host()).isNotSameAs(p.to().host());
        });
        assertThat(pairs).filteredOn(p -> !p.diagonal()).allSatisfy(p -> assertThat(p.to().index()).isZero());
        Set<String> cells = new HashSet<>();
        pairs.forEach(p -> cells.add(p.from().kind() + ">" + p.to().kind()));
        assertThat(cells).hasSize(36);
    }

    /**
     * Client #1 of {@code type} opens a mapping towards the server. Then two senders that client never talked to
     * try its mapping: its diagonal partner, client #0 behind the other router of the same type (only full cone
     * lets that in), and the server's address from another port (full and restricted cone let that in).
     */
    @ParameterizedTest
    @EnumSource(NatType.class)
    void secondRouterFiltersLikeItsType(NatType type) {
        NatTestBed bed = BED.bed();
        Router router = bed.router(type, 1);
        Host client = bed.client(type, 1);
        String wan = router.wanAddress().getHostAddress();
        int serverPort = 7300 + type.ordinal();
        try (HostProcess server = echo(bed.server(), serverPort);
             HostProcess punched = punch(client, LOCAL_PORT, target(bed.server().primaryAddress(), serverPort))) {
            Matcher seen = server.awaitOutput(
                    Pattern.compile("^RX " + Pattern.quote(wan) + ":(\\d+) \\S+ punch$"), JVM_START);
            int publicPort = Integer.parseInt(seen.group(1));
            String mapping = wan + ":" + publicPort;
            switch (type.portAllocation()) {
                case PRESERVING -> assertThat(publicPort).isEqualTo(LOCAL_PORT);
                // The second sequential router has its own counter: its first mapping takes the first port.
                case SEQUENTIAL -> assertThat(publicPort).isEqualTo(NatTestBed.DEFAULT_SEQUENTIAL_PORTS.first());
                case RANDOM -> assertThat(publicPort).isBetween(1024, 65535);
            }

            var fromPartner = probe(bed.client(type, 0), 2, REPLY_TIMEOUT, mapping);
            var fromServerOtherPort = probe(bed.server(), 2, REPLY_TIMEOUT, mapping);
            boolean partnerGetsIn = type.filtering() == Coturn.Filtering.ENDPOINT_INDEPENDENT;
            boolean serverGetsIn = type.filtering() != Coturn.Filtering.ADDRESS_AND_PORT_DEPENDENT;
            System.out.printf("%s#1 mapping %s: %s#0 -> %d/2, server other port -> %d/2%n", type, mapping, type,
                    fromPartner.getFirst().answered(), fromServerOtherPort.getFirst().answered());
            assertThat(fromPartner).singleElement().satisfies(p ->
                    assertThat(p.answered()).as(type + "#0 to " + type + "#1's mapping").isEqualTo(partnerGetsIn ? 2 : 0));
            assertThat(fromServerOtherPort).singleElement().satisfies(p ->
                    assertThat(p.answered()).as("server, other port").isEqualTo(serverGetsIn ? 2 : 0));
            String partnerWan = bed.router(type, 0).wanAddress().getHostAddress();
            if (partnerGetsIn) {
                assertThat(punched.stdoutLines()).anyMatch(l -> l.startsWith("RX " + partnerWan + ":"));
            } else {
                assertThat(punched.stdoutLines()).noneMatch(l -> l.startsWith("RX " + partnerWan + ":"));
            }
        }
    }

    @Test
    void secondOpenAndFirewalledHosts() {
        NatTestBed bed = BED.bed();
        Host open0 = bed.openHost(0);
        Host open1 = bed.openHost(1);
        Host fw0 = bed.firewalledHost(0);
        Host fw1 = bed.firewalledHost(1);
        int port = 7400;
        try (HostProcess openUdp = echo(open1, port);
             HostProcess openTcp = tcpListen(open1, port);
             HostProcess fwTcp = tcpListen(fw1, port)) {
            assertThat(probe(open0, 2, REPLY_TIMEOUT, target(open1.address(), port))).singleElement()
                    .satisfies(p -> assertThat(p.answered()).as("open#0 -> open#1 UDP").isEqualTo(2));

            String fw1Target = target(fw1.address(), port);
            var inbound = tcpConnect(open1, CONNECT_TIMEOUT, fw1Target);
            var diagonal = tcpConnect(fw0, CONNECT_TIMEOUT, fw1Target, target(open1.address(), port));
            var outbound = tcpConnect(fw1, CONNECT_TIMEOUT, target(open1.address(), port));
            System.out.println("open#1 -> firewalled#1: " + inbound + "; firewalled#0 -> firewalled#1, open#1: "
                    + diagonal + "; firewalled#1 -> open#1: " + outbound);
            // Dropped, not refused: the SYN never gets an answer.
            assertThat(inbound).singleElement().satisfies(r -> {
                assertThat(r.connected()).isFalse();
                assertThat(r.detail()).isEqualTo("SocketTimeoutException");
            });
            assertThat(diagonal).extracting(BedFixtures.TcpResult::connected).containsExactly(false, true);
            assertThat(outbound).singleElement().satisfies(r -> {
                assertThat(r.echoed()).isTrue();
                assertThat(r.from()).startsWith(NatTestBed.FIREWALLED_HOST_2 + ":");
            });
            assertThat(fwTcp.stdoutLines()).noneMatch(l -> l.startsWith("ACCEPTED"));
            assertThat(openTcp.stdoutLines()).anyMatch(l -> l.startsWith("ACCEPTED " + NatTestBed.FIREWALLED_HOST_2 + ":"));
        }
    }

    @Test
    void lanPcDropsInboundFromThePhoneButConnectsOutToIt() {
        NatTestBed bed = BED.bed();
        Host phone = bed.lanPhone();
        Host pc = bed.lanPc();
        assertThat(phone.kind()).isEqualTo(HostKind.LAN_PHONE);
        assertThat(pc.kind()).isEqualTo(HostKind.LAN_PC);
        int port = 7500;
        String phoneAddress = phone.address().getHostAddress();
        String pcAddress = pc.address().getHostAddress();
        try (HostProcess phoneUdp = echo(phone, port);
             HostProcess phoneTcp = tcpListen(phone, port);
             HostProcess pcUdp = echo(pc, port);
             HostProcess pcTcp = tcpListen(pc, port);
             HostProcess server = echo(bed.server(), port)) {
            // Phone -> pc: dropped by the pc's input firewall (TCP: no answer at all, not a refusal).
            assertThat(tcpConnect(phone, CONNECT_TIMEOUT, target(pc.address(), port))).singleElement()
                    .satisfies(r -> assertThat(r.detail()).isEqualTo("SocketTimeoutException"));
            assertThat(probe(phone, 2, REPLY_TIMEOUT, target(pc.address(), port))).singleElement()
                    .satisfies(p -> assertThat(p.answered()).isZero());
            assertThat(pcTcp.stdoutLines()).noneMatch(l -> l.startsWith("ACCEPTED"));
            assertThat(pcUdp.stdoutLines()).noneMatch(l -> l.startsWith("RX "));

            // Pc -> phone: the phone accepts, the pc gets the answers it asked for (straight over the LAN, no NAT).
            assertThat(tcpConnect(pc, CONNECT_TIMEOUT, target(phone.address(), port))).singleElement()
                    .satisfies(r -> {
                        assertThat(r.echoed()).isTrue();
                        assertThat(r.from()).startsWith(pcAddress + ":");
                    });
            var fromPc = probe(pc, 2, REPLY_TIMEOUT, target(phone.address(), port),
                    target(bed.server().primaryAddress(), port));
            assertThat(fromPc).hasSize(2).allSatisfy(p -> assertThat(p.answered()).isEqualTo(2));
            assertThat(fromPc.getFirst().from()).isEqualTo(phoneAddress + ":" + port);
            assertThat(phoneTcp.stdoutLines()).anyMatch(l -> l.startsWith("ACCEPTED " + pcAddress + ":"));
            assertThat(phoneUdp.stdoutLines()).anyMatch(l -> l.startsWith("RX " + pcAddress + ":"));
            // ... and out through the home router.
            String home = bed.homeRouter().wanAddress().getHostAddress();
            assertThat(server.stdoutLines()).anyMatch(l -> l.startsWith("RX " + home + ":"));
            System.out.println("lan: phone -> pc dropped (TCP and UDP); pc -> phone TCP and UDP answered; pc -> server via " + home);
        }
    }

    @Test
    void lossOnAHostWithoutRouterAndOnSecondAndHomeRouters() {
        NatTestBed bed = BED.bed();
        Host open0 = bed.openHost(0);
        Host open1 = bed.openHost(1);
        int port = 7600;
        try (HostProcess openUdp = echo(open1, port); HostProcess server = echo(bed.server(), port)) {
            String toOpen1 = target(open1.address(), port);
            String toServer = target(bed.server().primaryAddress(), port);
            try {
                open1.injectLoss(100);
                assertThat(open1.lossPercent()).isEqualTo(100);
                // Inbound dropped: the echo program never sees the probe.
                assertThat(probe(open0, 2, REPLY_TIMEOUT, toOpen1).getFirst().answered()).isZero();
                assertThat(openUdp.stdoutLines()).noneMatch(l -> l.startsWith("RX "));
                // Outbound dropped: the server never sees open#1.
                assertThat(probe(open1, 2, REPLY_TIMEOUT, toServer).getFirst().answered()).isZero();
                assertThat(server.stdoutLines()).noneMatch(l -> l.startsWith("RX " + NatTestBed.OPEN_HOST_2 + ":"));

                open1.injectLoss(50);
                try (HostProcess p = open1.start(open1.javaCommand(UdpTool.class.getName(), "send",
                        bed.server().primaryAddress().getHostAddress(), String.valueOf(port), "200", "LOSSY"))) {
                    assertThat(p.awaitExit(JVM_START)).as(p.describeOutput()).isZero();
                }
                open1.clearLoss();
                assertThat(probe(open1, 2, REPLY_TIMEOUT, toServer).getFirst().answered()).isEqualTo(2);
                long lossy = server.stdoutLines().stream().filter(l -> l.contains(" LOSSY ")).count();
                System.out.println("open#1 at 50% loss: " + lossy + "/200 arrived");
                assertThat(lossy).isBetween(50L, 150L);
                assertThat(probe(open0, 2, REPLY_TIMEOUT, toOpen1).getFirst().answered()).as("after clearLoss").isEqualTo(2);
            } finally {
                open1.clearLoss();
            }

            for (Router router : List.of(bed.router(NatType.FULL_CONE, 1), bed.homeRouter())) {
                Host client = router == bed.homeRouter() ? bed.lanPhone() : bed.client(NatType.FULL_CONE, 1);
                try {
                    router.injectLoss(100);
                    assertThat(probe(client, 2, REPLY_TIMEOUT, toServer).getFirst().answered()).as(router.toString()).isZero();
                } finally {
                    router.clearLoss();
                }
                assertThat(probe(client, 2, REPLY_TIMEOUT, toServer).getFirst().answered()).as(router.toString()).isEqualTo(2);
            }
        }
    }

    private static HostProcess punch(Host host, int localPort, String target) {
        HostProcess p = host.start(host.javaCommand(UdpTool.class.getName(), "punch", String.valueOf(localPort), target));
        p.awaitOutput(Pattern.compile("^LISTENING"), JVM_START);
        return p;
    }
}
