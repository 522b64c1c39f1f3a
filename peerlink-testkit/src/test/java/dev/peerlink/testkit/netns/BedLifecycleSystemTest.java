package dev.peerlink.testkit.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Namespaces never outlive their bed: close() and the start-up sweep of dead runs remove them. */
@Tag("system")
class BedLifecycleSystemTest {

    @Test
    void closeRemovesEveryNamespaceAndKillsProcessesLeftInside() {
        TestBedAssumptions.assumeAvailable();
        List<String> names;
        HostProcess orphan;
        long t0 = System.nanoTime();
        try (NatTestBed bed = NatTestBed.start()) {
            System.out.printf("NAT test bed built in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            names = bed.namespaces();
            assertThat(names).hasSize(17).allSatisfy(n -> assertThat(n).matches("pl-\\d+-\\d+-[a-z0-9-]+"));
            assertThat(Netns.listAll()).containsAll(names);
            orphan = bed.openHost().start("sleep", "600"); // deliberately not closed
        }
        assertThat(Netns.listAll()).doesNotContainAnyElementsOf(names);
        assertThat(orphan.awaitExit(Duration.ofSeconds(10))).isNotZero();
    }

    /** Build time and size of the default and the matrix bed, one after the other (never two beds at once). */
    @Test
    void matrixBedAddsThirteenNamespacesAndKeepsEveryDefaultAddress() {
        TestBedAssumptions.assumeAvailable();
        long t0 = System.nanoTime();
        String defaultAddresses;
        try (NatTestBed bed = NatTestBed.start()) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("default bed: %d namespaces, built in %d ms%n", bed.namespaces().size(), ms);
            assertThat(bed.namespaces()).hasSize(17);
            assertThat(bed.isMatrix()).isFalse();
            assertThat(bed.matrixHosts()).extracting(MatrixHost::label).containsExactly("open#0", "firewalled#0",
                    "full-cone#0", "restricted-cone#0", "port-restricted-cone#0", "symmetric#0", "symmetric#1");
            assertThatThrownBy(() -> bed.openHost(1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(bed::lanPc).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(bed::matrixPairs).isInstanceOf(IllegalStateException.class);
            defaultAddresses = addresses(bed);
        }
        t0 = System.nanoTime();
        List<String> names;
        try (NatTestBed bed = NatTestBed.builder().matrix().start()) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            names = bed.namespaces();
            System.out.printf("matrix bed: %d namespaces, built in %d ms%n", names.size(), ms);
            assertThat(names).hasSize(30);
            assertThat(bed.isMatrix()).isTrue();
            assertThat(addresses(bed)).isEqualTo(defaultAddresses);
        }
        assertThat(Netns.listAll()).doesNotContainAnyElementsOf(names);
    }

    /** Every address of the default bed's accessors, as text. */
    private static String addresses(NatTestBed bed) {
        StringBuilder s = new StringBuilder(bed.server().primaryAddress() + " " + bed.server().alternateAddress()
                + " " + bed.openHost().address() + " " + bed.firewalledHost().address() + " "
                + bed.secondClient().address());
        for (NatType type : NatType.values()) {
            int count = type == NatType.SYMMETRIC ? 2 : 1;
            for (int i = 0; i < count; i++) {
                s.append(' ').append(bed.router(type, i).wanAddress()).append(' ').append(bed.router(type, i).lanAddress())
                        .append(' ').append(bed.client(type, i).address());
            }
        }
        return s.toString();
    }

    @Test
    void startRemovesNamespacesOfDeadRuns() throws Exception {
        TestBedAssumptions.assumeAvailable();
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        String stale = BedNames.PREFIX + dead.pid() + "-1-inet";
        String live = BedNames.PREFIX + ProcessHandle.current().pid() + "-999-inet";
        Netns.create(stale);
        Netns.create(live);
        try {
            NatTestBed.removeStaleBeds();
            assertThat(Netns.listAll()).doesNotContain(stale).contains(live);
        } finally {
            Netns.destroy(stale);
            Netns.destroy(live);
        }
    }
}
