package dev.peerlink.testkit.netns;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * JUnit guards for system tests: when the bed (or a tool) is unavailable the test is aborted, i.e. reported as
 * skipped, and the reason is printed to stdout so a skipped run is never mistaken for a passed one.
 */
public final class TestBedAssumptions {
    private TestBedAssumptions() {
    }

    /** Aborts the calling test unless {@link NatTestBed#availability()} is empty. */
    public static void assumeAvailable() {
        abortIf(NatTestBed.availability());
    }

    /** Aborts unless the bed and coturn ({@code turnserver}, {@code turnutils_natdiscovery}) are available. */
    public static void assumeCoturn() {
        assumeAvailable();
        abortIf(Coturn.availability());
    }

    /** Aborts unless {@link Router#flushConntrack()} can work (the {@code conntrack} tool is installed). */
    public static void assumeConntrackTool() {
        abortIf(Router.canFlushConntrack() ? Optional.empty()
                : Optional.of("'conntrack' not found (install the conntrack package)"));
    }

    private static void abortIf(Optional<String> reason) {
        if (reason.isPresent()) {
            String message = "SKIPPED (NAT test bed): " + reason.get();
            System.out.println(message);
            Assumptions.abort(message);
        }
    }
}
