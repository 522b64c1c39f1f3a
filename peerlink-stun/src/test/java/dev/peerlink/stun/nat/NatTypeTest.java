package dev.peerlink.stun.nat;

import static dev.peerlink.stun.nat.FilteringBehavior.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NatTypeTest {
    @Test
    void withoutNatFilteringDecidesBetweenOpenAndFirewall() {
        assertThat(NatType.classify(false, MappingBehavior.ENDPOINT_INDEPENDENT, ENDPOINT_INDEPENDENT)).isEqualTo(NatType.OPEN_INTERNET);
        assertThat(NatType.classify(false, MappingBehavior.ENDPOINT_INDEPENDENT, ADDRESS_DEPENDENT)).isEqualTo(NatType.SYMMETRIC_UDP_FIREWALL);
        assertThat(NatType.classify(false, MappingBehavior.ENDPOINT_INDEPENDENT, ADDRESS_AND_PORT_DEPENDENT)).isEqualTo(NatType.SYMMETRIC_UDP_FIREWALL);
    }

    @Test
    void endpointIndependentMappingIsAConeNamedByItsFiltering() {
        assertThat(NatType.classify(true, MappingBehavior.ENDPOINT_INDEPENDENT, ENDPOINT_INDEPENDENT)).isEqualTo(NatType.FULL_CONE);
        assertThat(NatType.classify(true, MappingBehavior.ENDPOINT_INDEPENDENT, ADDRESS_DEPENDENT)).isEqualTo(NatType.RESTRICTED_CONE);
        assertThat(NatType.classify(true, MappingBehavior.ENDPOINT_INDEPENDENT, ADDRESS_AND_PORT_DEPENDENT)).isEqualTo(NatType.PORT_RESTRICTED_CONE);
    }

    @Test
    void anyDependentMappingIsSymmetric() {
        for (FilteringBehavior f : FilteringBehavior.values()) {
            assertThat(NatType.classify(true, MappingBehavior.ADDRESS_DEPENDENT, f)).isEqualTo(NatType.SYMMETRIC);
            assertThat(NatType.classify(true, MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, f)).isEqualTo(NatType.SYMMETRIC);
        }
    }

    @Test
    void labelsAreTheDocumentedJsonValues() {
        assertThat(NatType.PORT_RESTRICTED_CONE.label()).isEqualTo("port-restricted-cone");
        assertThat(NatType.SYMMETRIC_UDP_FIREWALL.label()).isEqualTo("symmetric-udp-firewall");
        assertThat(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT.label()).isEqualTo("address-and-port-dependent");
    }
}
