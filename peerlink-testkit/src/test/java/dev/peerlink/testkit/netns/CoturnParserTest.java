package dev.peerlink.testkit.netns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The natdiscovery parser, on output captured from coturn 4.6.1 in the bed. */
class CoturnParserTest {
    private static final String MAPPING_EIM = """
            -= Mapping Behavior Discovery =-

            ========================================
            RFC 5780 response 1
            No ALG: Mapped == XOR-Mapped
            0: : IPv4. Response origin: : 203.0.113.10:3478
            0: : IPv4. Other addr: : 203.0.113.11:3479
            0: : IPv4. UDP reflexive addr: 203.0.113.101:36336
            0: : IPv4. Local addr: : 0.0.0.0:36336

            ========================================
            NAT with Endpoint Independent Mapping!
            ========================================
            """;

    @Test
    void parsesMappingVerdicts() {
        assertThat(Coturn.parseMapping(MAPPING_EIM)).contains(Coturn.Mapping.ENDPOINT_INDEPENDENT);
        assertThat(Coturn.parseMapping("NAT with Address Dependent Mapping!"))
                .contains(Coturn.Mapping.ADDRESS_DEPENDENT);
        assertThat(Coturn.parseMapping("...\nNAT with Address and Port Dependent Mapping!\n"))
                .contains(Coturn.Mapping.ADDRESS_AND_PORT_DEPENDENT);
        assertThat(Coturn.parseMapping("No NAT! (Endpoint Independent Mapping)")).contains(Coturn.Mapping.NO_NAT);
    }

    @Test
    void parsesFilteringVerdicts() {
        assertThat(Coturn.parseFiltering("STUN receive timeout..\nNAT with Address Dependent Filtering!"))
                .contains(Coturn.Filtering.ADDRESS_DEPENDENT);
        assertThat(Coturn.parseFiltering("NAT with Endpoint Independent Filtering!"))
                .contains(Coturn.Filtering.ENDPOINT_INDEPENDENT);
        assertThat(Coturn.parseFiltering("NAT with Address and Port Dependent Filtering!"))
                .contains(Coturn.Filtering.ADDRESS_AND_PORT_DEPENDENT);
    }

    @Test
    void noVerdictWhenTheToolGaveUp() {
        assertThat(Coturn.parseMapping("STUN receive timeout..\n")).isEmpty();
        assertThat(Coturn.parseFiltering(MAPPING_EIM)).isEmpty();
    }
}
