package dev.peerlink.portmap.internal;

import static dev.peerlink.portmap.internal.FakeHttpServer.description;
import static dev.peerlink.portmap.internal.FakeHttpServer.respond;
import static dev.peerlink.portmap.internal.FakeHttpServer.soapError;
import static dev.peerlink.portmap.internal.FakeHttpServer.soapResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapper;
import dev.peerlink.portmap.PortMapping;
import dev.peerlink.portmap.Transport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The UPnP error paths against a scripted IGD on loopback: 725 (permanent leases only) and 718 (conflict). */
class UpnpFakeIgdTest {
    static final String V1 = IgdDescription.WAN_IP_1;
    static final String V2 = IgdDescription.WAN_IP_2;
    static final Pattern LEASE = Pattern.compile("<NewLeaseDuration>(\\d+)</NewLeaseDuration>");
    static final Pattern EXT = Pattern.compile("<NewExternalPort>(\\d+)</NewExternalPort>");

    static FakeHttpServer igd(String serviceType, boolean permanentOnly, int conflictingPort) throws Exception {
        return new FakeHttpServer((r, out, s) -> {
            if (r.method().equals("GET")) {
                respond(out, 200, description(serviceType, "/ctl"));
                return;
            }
            switch (r.soapAction()) {
                case "GetExternalIPAddress" -> respond(out, 200, soapResponse(r.soapAction(), serviceType,
                        "<NewExternalIPAddress>198.51.100.7</NewExternalIPAddress>"));
                case "AddPortMapping", "AddAnyPortMapping" -> {
                    Matcher lease = LEASE.matcher(r.body());
                    Matcher ext = EXT.matcher(r.body());
                    lease.find();
                    ext.find();
                    int port = Integer.parseInt(ext.group(1));
                    if (permanentOnly && !lease.group(1).equals("0")) {
                        respond(out, 500, soapError(725, "OnlyPermanentLeasesSupported"));
                    } else if (r.soapAction().equals("AddAnyPortMapping")) {
                        respond(out, 200, soapResponse(r.soapAction(), serviceType,
                                "<NewReservedPort>" + (port == conflictingPort ? port + 1 : port) + "</NewReservedPort>"));
                    } else if (port == conflictingPort) {
                        respond(out, 500, soapError(718, "ConflictInMappingEntry"));
                    } else {
                        respond(out, 200, soapResponse(r.soapAction(), serviceType, ""));
                    }
                }
                case "DeletePortMapping" -> respond(out, 200, soapResponse(r.soapAction(), serviceType, ""));
                default -> respond(out, 500, soapError(401, "Invalid Action"));
            }
        });
    }

    static PortMapper mapper(FakeHttpServer igd) throws Exception {
        return PortMapper.builder().gateway(InetAddress.getLoopbackAddress()).upnpLocation(igd.uri("/rootDesc.xml"))
                .protocols(List.of(MappingProtocol.UPNP)).checkInterval(Duration.ofHours(1)).build();
    }

    @Test
    void onlyPermanentLeases725RetriesWithLeaseZero() throws Exception {
        try (FakeHttpServer igd = igd(V1, true, -1); PortMapper m = mapper(igd)) {
            PortMapping p = m.map(MappingProtocol.UPNP, Transport.UDP, 4000, 4000, Duration.ofHours(2));
            assertThat(p.permanent()).isTrue();
            assertThat(p.expiry()).isEqualTo(java.time.Instant.MAX);
            assertThat(p.external().getPort()).isEqualTo(4000);
            assertThat(p.external().getAddress().getHostAddress()).isEqualTo("198.51.100.7");
            List<String> leases = igd.requests.stream().filter(r -> r.soapAction().equals("AddPortMapping"))
                    .map(r -> {
                        Matcher x = LEASE.matcher(r.body());
                        x.find();
                        return x.group(1);
                    }).toList();
            assertThat(leases).containsExactly("7200", "0");
        }
    }

    @Test
    void conflict718OnV1TriesAnotherPort() throws Exception {
        try (FakeHttpServer igd = igd(V1, false, 4000); PortMapper m = mapper(igd)) {
            PortMapping p = m.map(Transport.TCP, 4000, 4000, Duration.ofMinutes(10));
            assertThat(p.protocol()).isEqualTo(MappingProtocol.UPNP);
            assertThat(p.external().getPort()).isNotEqualTo(4000).isBetween(1024, 65535);
            assertThat(p.lease()).isEqualTo(Duration.ofMinutes(10));
        }
    }

    @Test
    void igd2UsesAddAnyPortMapping() throws Exception {
        try (FakeHttpServer igd = igd(V2, false, 4000); PortMapper m = mapper(igd)) {
            PortMapping p = m.map(MappingProtocol.UPNP, Transport.UDP, 4000, 4000, Duration.ofMinutes(10));
            assertThat(p.external().getPort()).isEqualTo(4001);
            assertThat(igd.requests).anyMatch(r -> r.soapAction().equals("AddAnyPortMapping"));
            m.unmap(p);
            assertThat(igd.requests).anyMatch(r -> r.soapAction().equals("DeletePortMapping") && r.body().contains(">4001<"));
        }
    }

    @Test
    void closeDeletesMappings() throws Exception {
        try (FakeHttpServer igd = igd(V1, false, -1)) {
            PortMapper m = mapper(igd);
            m.map(MappingProtocol.UPNP, Transport.UDP, 4000, 4000, Duration.ofMinutes(10));
            m.close();
            assertThat(igd.requests).anyMatch(r -> r.soapAction().equals("DeletePortMapping"));
        }
    }
}
