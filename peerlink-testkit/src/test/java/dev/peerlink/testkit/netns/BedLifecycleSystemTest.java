package dev.peerlink.testkit.netns;

import static org.assertj.core.api.Assertions.assertThat;

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
