package dev.peerlink.testkit.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each router classified by an independent implementation: coturn's {@code turnutils_natdiscovery} against a
 * {@code turnserver} in RFC 5780 mode on the server host.
 */
@Tag("system")
class CoturnNatDiscoverySystemTest {
    private static NatTestBed bed;
    private static HostProcess stun;
    /** Keyed by router: every NatType's first router plus the second symmetric one. */
    private static final Map<Router, Coturn.Discovery<Coturn.Mapping>> MAPPING = new LinkedHashMap<>();
    private static final Map<Router, Coturn.Discovery<Coturn.Filtering>> FILTERING = new LinkedHashMap<>();

    @BeforeAll
    static void discoverAllRouters() {
        TestBedAssumptions.assumeCoturn();
        bed = NatTestBed.start();
        stun = Coturn.startStunServer(bed.server());
        // The filtering test waits out STUN retransmission timeouts for every blocked response (seconds each),
        // so the independent clients run concurrently; results are asserted per router below.
        var primary = bed.server().primaryAddress();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<Router, CompletableFuture<Coturn.Discovery<Coturn.Mapping>>> m = new LinkedHashMap<>();
            Map<Router, CompletableFuture<Coturn.Discovery<Coturn.Filtering>>> f = new LinkedHashMap<>();
            for (Router router : bed.routers()) {
                Host client = bed.client(router.type(), router.index());
                m.put(router, CompletableFuture.supplyAsync(() -> Coturn.discoverMapping(client, primary), pool));
                f.put(router, CompletableFuture.supplyAsync(() -> Coturn.discoverFiltering(client, primary), pool));
            }
            m.forEach((router, future) -> MAPPING.put(router, future.join()));
            f.forEach((router, future) -> FILTERING.put(router, future.join()));
        }
        for (Router router : bed.routers()) {
            System.out.println("turnutils_natdiscovery on " + router + ": "
                    + MAPPING.get(router).verdict().map(String::valueOf).orElse("no verdict") + " mapping, "
                    + FILTERING.get(router).verdict().map(String::valueOf).orElse("no verdict") + " filtering");
        }
    }

    @AfterAll
    static void tearDown() {
        if (stun != null) {
            stun.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    @ParameterizedTest
    @EnumSource(NatType.class)
    void mappingBehaviourIsAsBuilt(NatType type) {
        assertMapping(bed.router(type));
    }

    @ParameterizedTest
    @EnumSource(NatType.class)
    void filteringBehaviourIsAsBuilt(NatType type) {
        assertFiltering(bed.router(type));
    }

    @Test
    void secondSymmetricRouterIsSymmetricToo() {
        assertMapping(bed.router(NatType.SYMMETRIC, 1));
        assertFiltering(bed.router(NatType.SYMMETRIC, 1));
    }

    private static void assertMapping(Router router) {
        NatType type = router.type();
        var mapping = MAPPING.get(router);
        assertThat(mapping.verdict()).as("mapping of %s; natdiscovery said:%n%s", router, mapping.output())
                .contains(type.mapping());
    }

    private static void assertFiltering(Router router) {
        NatType type = router.type();
        var filtering = FILTERING.get(router);
        assertThat(filtering.verdict()).as("filtering of %s; natdiscovery said:%n%s", router, filtering.output())
                .contains(type.filtering());
    }
}
