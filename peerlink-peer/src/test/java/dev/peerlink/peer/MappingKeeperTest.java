package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapException.Kind;
import org.junit.jupiter.api.Test;

class MappingKeeperTest {
    static PortMapException all(PortMapException... parts) {
        PortMapException e = new PortMapException(Kind.UNAVAILABLE, null, "no port mapping protocol worked:");
        for (PortMapException p : parts) {
            e.addSuppressed(p);
        }
        return e;
    }

    @Test
    void aRemapRetriesWithAnyPortOnlyWhenSomeGatewayAnswered() {
        PortMapException pcpGone = new PortMapException(Kind.UNAVAILABLE, MappingProtocol.PCP, "port unreachable");
        PortMapException pmpSilent = new PortMapException(Kind.TIMEOUT, MappingProtocol.NAT_PMP, "no answer");
        PortMapException upnpGone = new PortMapException(Kind.UNAVAILABLE, MappingProtocol.UPNP, "no IGD");
        PortMapException conflict = new PortMapException(Kind.REFUSED, MappingProtocol.UPNP, 718, "ConflictInMappingEntry", null);
        assertThat(MappingKeeper.noGateway(all(pcpGone, pmpSilent, upnpGone))).isTrue();
        assertThat(MappingKeeper.noGateway(all(pcpGone, pmpSilent, conflict))).isFalse();
        assertThat(MappingKeeper.noGateway(conflict)).isFalse();
        assertThat(MappingKeeper.noGateway(upnpGone)).isTrue();
    }
}
