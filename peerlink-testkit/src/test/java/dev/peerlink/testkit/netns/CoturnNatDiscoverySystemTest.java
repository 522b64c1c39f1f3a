package dev.peerlink.testkit.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
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
    private static final Map<NatType, Coturn.Discovery<Coturn.Mapping>> MAPPING = new EnumMap<>(NatType.class);
    private static final Map<NatType, Coturn.Discovery<Coturn.Filtering>> FILTERING = new EnumMap<>(NatType.class);

    @BeforeAll
    static void discoverAllRouters() {
        TestBedAssumptions.assumeCoturn();
        bed = NatTestBed.start();
        stun = Coturn.startStunServer(bed.server());
        // The filtering test waits out STUN retransmission timeouts for every blocked response (seconds each),
        // so the four independent clients run concurrently; results are asserted per router below.
        var primary = bed.server().primaryAddress();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<NatType, CompletableFuture<Coturn.Discovery<Coturn.Mapping>>> m = new EnumMap<>(NatType.class);
            Map<NatType, CompletableFuture<Coturn.Discovery<Coturn.Filtering>>> f = new EnumMap<>(NatType.class);
            for (NatType type : NatType.values()) {
                Host client = bed.client(type);
                m.put(type, CompletableFuture.supplyAsync(() -> Coturn.discoverMapping(client, primary), pool));
                f.put(type, CompletableFuture.supplyAsync(() -> Coturn.discoverFiltering(client, primary), pool));
            }
            m.forEach((type, future) -> MAPPING.put(type, future.join()));
            f.forEach((type, future) -> FILTERING.put(type, future.join()));
        }
        for (NatType type : NatType.values()) {
            System.out.println("turnutils_natdiscovery on " + type + ": "
                    + MAPPING.get(type).verdict().map(String::valueOf).orElse("no verdict") + " mapping, "
                    + FILTERING.get(type).verdict().map(String::valueOf).orElse("no verdict") + " filtering");
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
        var mapping = MAPPING.get(type);
        assertThat(mapping.verdict()).as("mapping of %s; natdiscovery said:%n%s", type, mapping.output())
                .contains(type.mapping());
    }

    @ParameterizedTest
    @EnumSource(NatType.class)
    void filteringBehaviourIsAsBuilt(NatType type) {
        var filtering = FILTERING.get(type);
        assertThat(filtering.verdict()).as("filtering of %s; natdiscovery said:%n%s", type, filtering.output())
                .contains(type.filtering());
    }
}
