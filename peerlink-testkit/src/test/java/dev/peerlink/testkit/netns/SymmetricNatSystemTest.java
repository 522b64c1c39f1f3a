package dev.peerlink.testkit.netns;

import static dev.peerlink.testkit.netns.BedFixtures.deltas;
import static dev.peerlink.testkit.netns.BedFixtures.echo;
import static dev.peerlink.testkit.netns.BedFixtures.fresh;
import static dev.peerlink.testkit.netns.BedFixtures.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

/**
 * The symmetric routers as the next issues need them: two independent symmetric NATs (relay between them), the
 * sequential one (port prediction), and the external port ranges (birthday punching's {@code R}).
 */
@Tag("system")
class SymmetricNatSystemTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofMillis(500);
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create();


    @Test
    void twoSymmetricRoutersAreSeparateSitesBehindTheirOwnWanAddresses() {
        assertThat(BED.bed().routerCount(NatType.SYMMETRIC)).isEqualTo(2);
        assertThat(BED.bed().routerCount(NatType.FULL_CONE)).isEqualTo(1);
        Router first = BED.bed().router(NatType.SYMMETRIC, 0);
        Router second = BED.bed().router(NatType.SYMMETRIC, 1);
        assertThat(first).isSameAs(BED.bed().router(NatType.SYMMETRIC));
        assertThat(BED.bed().client(NatType.SYMMETRIC, 0)).isSameAs(BED.bed().client(NatType.SYMMETRIC));
        assertThat(second.index()).isEqualTo(1);
        assertThat(second.wanAddress().getHostAddress()).isEqualTo("203.0.113.106");
        assertThat(second.lanAddress().getHostAddress()).isEqualTo("10.0.6.1");
        assertThat(BED.bed().client(NatType.SYMMETRIC, 1).address().getHostAddress()).isEqualTo("10.0.6.2");
        assertThat(BED.bed().router(NatType.SYMMETRIC_SEQUENTIAL).wanAddress().getHostAddress()).isEqualTo("203.0.113.105");

        try (HostProcess server = echo(BED.bed().server(), 7200)) {
            String to = target(BED.bed().server().primaryAddress(), 7200);
            for (int i = 0; i < 2; i++) {
                Router router = BED.bed().router(NatType.SYMMETRIC, i);
                List<BedFixtures.Mapped> m = fresh(BED.bed().client(NatType.SYMMETRIC, i), 1, REPLY_TIMEOUT, to);
                assertThat(m).singleElement().satisfies(x ->
                        assertThat(x.publicAddress()).as("seen behind " + router).isEqualTo(router.wanAddress().getHostAddress()));
            }
        }
    }

    @Test
    void sequentialRouterGivesConsecutiveNewMappingsAConstantDelta() {
        Router router = BED.bed().router(NatType.SYMMETRIC_SEQUENTIAL);
        assertThat(router.portDelta()).hasValue(1);
        assertThat(router.externalPortRange()).contains(NatTestBed.DEFAULT_SEQUENTIAL_PORTS);
        try (HostProcess server = echo(BED.bed().server(), 7201)) {
            List<BedFixtures.Mapped> m = fresh(BED.bed().client(NatType.SYMMETRIC_SEQUENTIAL), 5, REPLY_TIMEOUT,
                    target(BED.bed().server().primaryAddress(), 7201));
            System.out.println("SYMMETRIC_SEQUENTIAL, 5 fresh sockets: " + m + ", deltas " + deltas(m));
            assertThat(m).hasSize(5).allSatisfy(x -> {
                assertThat(x.answered()).isTrue();
                assertThat(x.publicAddress()).isEqualTo(router.wanAddress().getHostAddress());
                assertThat(router.externalPortRange().orElseThrow().contains(x.publicPort())).isTrue();
            });
            assertThat(deltas(m)).as("ports %s", m).containsOnly(router.portDelta().getAsInt());
            // Not port preservation in disguise: the inside ports are the kernel's random ephemeral ones.
            assertThat(m).anySatisfy(x -> assertThat(x.publicPort()).isNotEqualTo(x.localPort()));
        }
    }

    @Test
    void sequentialRouterMapsTheSameSocketAnewPerDestination() {
        // APDM with a predictable port: one socket to three destinations gets three consecutive ports.
        try (HostProcess server = echo(BED.bed().server(), 7202)) {
            var results = BedFixtures.probe(BED.bed().client(NatType.SYMMETRIC_SEQUENTIAL), 1, REPLY_TIMEOUT,
                    target(BED.bed().server().primaryAddress(), 7202), target(BED.bed().server().alternateAddress(), 7202));
            assertThat(results).hasSize(2).allSatisfy(r -> assertThat(r.answered()).isEqualTo(1));
            String wan = BED.bed().router(NatType.SYMMETRIC_SEQUENTIAL).wanAddress().getHostAddress();
            List<Integer> ports = server.stdoutLines().stream().filter(l -> l.startsWith("RX " + wan + ":"))
                    .map(l -> Integer.parseInt(l.split(" ")[1].substring(wan.length() + 1))).toList();
            assertThat(ports).hasSize(2);
            assertThat(ports.get(1) - ports.get(0)).as("ports %s", ports).isEqualTo(1);
        }
    }

    @Test
    void randomSymmetricRoutersStayInsideTheKernelDefaultRange() {
        try (HostProcess server = echo(BED.bed().server(), 7203)) {
            for (int i = 0; i < 2; i++) {
                Router router = BED.bed().router(NatType.SYMMETRIC, i);
                assertThat(router.externalPortRange()).contains(PortRange.KERNEL_NAT_DEFAULT);
                assertThat(router.portDelta()).isEmpty();
                List<BedFixtures.Mapped> m = fresh(BED.bed().client(NatType.SYMMETRIC, i), 20, REPLY_TIMEOUT,
                        target(BED.bed().server().primaryAddress(), 7203));
                assertRandomWithin(m, PortRange.KERNEL_NAT_DEFAULT);
            }
        }
        assertThat(BED.bed().router(NatType.FULL_CONE).externalPortRange()).isEmpty();
    }

    @Test
    void portRangesAreConfigurableAndTheSequenceWrapsWithoutReusingLivePorts() {
        PortRange symmetric = new PortRange(20000, 20099);
        PortRange sequential = new PortRange(45000, 45004); // delta 2: 45000, 45002, 45004, then 45000 again
        try (NatTestBed custom = NatTestBed.builder().symmetricPortRange(symmetric).sequentialPorts(sequential, 2).start();
             HostProcess server = echo(custom.server(), 7204)) {
            String primary = target(custom.server().primaryAddress(), 7204);
            for (int i = 0; i < 2; i++) {
                assertThat(custom.router(NatType.SYMMETRIC, i).externalPortRange()).contains(symmetric);
                assertRandomWithin(fresh(custom.client(NatType.SYMMETRIC, i), 20, REPLY_TIMEOUT, primary), symmetric);
            }

            Router seq = custom.router(NatType.SYMMETRIC_SEQUENTIAL);
            Host client = custom.client(NatType.SYMMETRIC_SEQUENTIAL);
            assertThat(seq.portDelta()).hasValue(2);
            // Three live mappings to the server use up the sequence. A fourth new mapping to the same server
            // would need a port whose reply tuple (server:7204 -> wan:port) is taken: the kernel refuses to
            // insert the conntrack entry and drops the packet, for every retry. No live mapping is hijacked.
            List<BedFixtures.Mapped> m = fresh(client, 4, Duration.ofMillis(300), primary);
            System.out.println("SYMMETRIC_SEQUENTIAL 45000-45004 delta 2, 4 fresh sockets: " + m);
            assertThat(m).hasSize(4);
            assertThat(m.subList(0, 3)).extracting(BedFixtures.Mapped::publicPort).containsExactly(45000, 45002, 45004);
            assertThat(m.get(3).answered()).as("4th mapping while all 3 ports are live towards this server").isFalse();
            // Towards another destination the wrapped sequence reuses a port (port overloading, as Linux NAT does):
            // the reply tuples differ, so both mappings keep working.
            List<BedFixtures.Mapped> other = fresh(client, 1, Duration.ofMillis(300),
                    target(custom.server().alternateAddress(), 7204));
            System.out.println("... then 1 fresh socket to the alternate address: " + other);
            assertThat(other).singleElement().satisfies(x -> assertThat(x.publicPort()).isIn(45000, 45002, 45004));
        }
    }

    /** 20 samples, all in {@code range}, all different, and not one constant step (i.e. not sequential). */
    private static void assertRandomWithin(List<BedFixtures.Mapped> m, PortRange range) {
        System.out.println("random symmetric mappings in " + range + ": "
                + m.stream().map(BedFixtures.Mapped::publicPort).toList());
        assertThat(m).hasSize(20).allSatisfy(x -> {
            assertThat(x.answered()).isTrue();
            assertThat(range.contains(x.publicPort())).as("port %d in %s", x.publicPort(), range).isTrue();
        });
        assertThat(new HashSet<>(m.stream().map(BedFixtures.Mapped::publicPort).toList())).hasSize(20);
        assertThat(new HashSet<>(deltas(m))).hasSizeGreaterThan(1);
    }
}
