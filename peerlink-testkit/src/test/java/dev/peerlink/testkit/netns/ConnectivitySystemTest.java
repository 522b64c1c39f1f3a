package dev.peerlink.testkit.netns;

import static dev.peerlink.testkit.netns.BedFixtures.echo;
import static dev.peerlink.testkit.netns.BedFixtures.probe;
import static dev.peerlink.testkit.netns.BedFixtures.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

/** Plain reachability through the bed: NATed clients reach the public side, the firewall drops unsolicited input. */
@Tag("system")
class ConnectivitySystemTest {
    private static final int PORT = 7000;
    private static final Duration REPLY_TIMEOUT = Duration.ofMillis(500);
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create();


    @Test
    void everyClientReachesBothServerAddressesThroughItsRouter() {
        try (HostProcess server = echo(BED.bed().server(), PORT)) {
            List<Host> clients = new java.util.ArrayList<>();
            for (NatType type : NatType.values()) {
                clients.add(BED.bed().client(type));
            }
            clients.add(BED.bed().client(NatType.SYMMETRIC, 1));
            clients.add(BED.bed().secondClient());
            for (Host client : clients) {
                List<BedFixtures.Probe> results = probe(client, 2, REPLY_TIMEOUT,
                        target(BED.bed().server().primaryAddress(), PORT), target(BED.bed().server().alternateAddress(), PORT));
                assertThat(results).as(client.name()).hasSize(2).allSatisfy(r -> assertThat(r.answered()).isEqualTo(2));
            }
            // The server saw the routers' public addresses, never a private LAN address.
            assertThat(server.stdoutLines()).filteredOn(l -> l.startsWith("RX "))
                    .allSatisfy(l -> assertThat(l).startsWith("RX 203.0.113.1"));
            for (Router router : BED.bed().routers()) {
                String wan = router.wanAddress().getHostAddress();
                assertThat(server.stdoutLines()).as("packets from " + router).anyMatch(l -> l.startsWith("RX " + wan + ":"));
            }
        }
    }

    @Test
    void openHostIsReachableFromAClient() {
        try (HostProcess open = echo(BED.bed().openHost(), PORT)) {
            var r = probe(BED.bed().client(NatType.SYMMETRIC), 2, REPLY_TIMEOUT, target(BED.bed().openHost().address(), PORT));
            assertThat(r).singleElement().satisfies(p -> assertThat(p.answered()).isEqualTo(2));
            String wan = BED.bed().router(NatType.SYMMETRIC).wanAddress().getHostAddress();
            assertThat(open.stdoutLines()).anyMatch(l -> l.startsWith("RX " + wan + ":"));
        }
    }

    @Test
    void firewalledHostDropsUnsolicitedInboundButCanTalkOut() {
        try (HostProcess fw = echo(BED.bed().firewalledHost(), PORT); HostProcess server = echo(BED.bed().server(), PORT)) {
            var inbound = probe(BED.bed().client(NatType.FULL_CONE), 2, REPLY_TIMEOUT,
                    target(BED.bed().firewalledHost().address(), PORT));
            assertThat(inbound).singleElement().satisfies(p -> assertThat(p.answered()).isZero());
            var fromOpen = probe(BED.bed().openHost(), 2, REPLY_TIMEOUT, target(BED.bed().firewalledHost().address(), PORT));
            assertThat(fromOpen).singleElement().satisfies(p -> assertThat(p.answered()).isZero());
            // Dropped on input, so the echo program never saw a datagram.
            assertThat(fw.stdoutLines()).noneMatch(l -> l.startsWith("RX "));

            var outbound = probe(BED.bed().firewalledHost(), 2, REPLY_TIMEOUT, target(BED.bed().server().primaryAddress(), PORT));
            assertThat(outbound).singleElement().satisfies(p -> assertThat(p.answered()).isEqualTo(2));
            String fwAddress = BED.bed().firewalledHost().address().getHostAddress();
            assertThat(server.stdoutLines()).anyMatch(l -> l.startsWith("RX " + fwAddress + ":"));
        }
    }
}
