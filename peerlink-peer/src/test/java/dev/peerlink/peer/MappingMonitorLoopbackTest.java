package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.portmap.PortMapping;
import dev.peerlink.portmap.Transport;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.ProbePacket;
import dev.peerlink.server.monitor.Health;
import dev.peerlink.server.monitor.MappingMonitor;
import dev.peerlink.server.monitor.MonitorConfig;
import dev.peerlink.server.monitor.MonitorStats;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Server mapping monitor + SDK {@link MappingKeeper} on loopback, with {@link ForwardingGateway} standing in for the
 * gateway: the monitor verifies the reported mapping, the test breaks it, the monitor notices within one probe interval
 * (plus the two probe timeouts), orders a remap, and verifies the new mapping.
 */
class MappingMonitorLoopbackTest {
    static final Duration INTERVAL = Duration.ofSeconds(1);
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    SignalServer server() throws Exception {
        SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .mappingMonitor(MonitorConfig.every(INTERVAL)).build(), List.of(), id -> java.util.Optional.empty());
        toClose.add(s);
        return s;
    }

    SignallingClient client(SignalServer s, String id) throws Exception {
        SignallingClient c = SignallingClient.builder().server(URI.create(s.url())).identity(DeviceIdentity.ephemeral(DeviceId.of(id)))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(400)).requestTimeout(Duration.ofSeconds(5)).build();
        toClose.add(c);
        c.start().get(5, TimeUnit.SECONDS);
        return c;
    }

    static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void brokenUdpMappingIsDetectedWithinOneIntervalAndRepaired() throws Exception {
        SignalServer server = server();
        MappingMonitor monitor = server.mappingMonitor().orElseThrow();
        SignallingClient client = client(server, "nas-1");
        ForwardingGateway gateway = new ForwardingGateway();
        MappingKeeper keeper = MappingKeeper.builder().client(client).gateway(gateway).build();
        toClose.add(keeper);

        PortMapping first = keeper.keep(Transport.UDP, freeUdpPort());
        await().atMost(Duration.ofSeconds(3)).until(() -> monitor.stats().healthy() == 1);
        assertThat(keeper.probesAnswered()).isPositive();

        long brokenAt = System.nanoTime();
        gateway.breakMapping(first.external().getPort());
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10)).until(() -> monitor.stats().remapsSent() >= 1);
        long detectedMs = (System.nanoTime() - brokenAt) / 1_000_000;
        MonitorConfig c = monitor.config();
        long bound = c.interval().toMillis() + (c.retries() + 1) * c.probeTimeout().toMillis() + 2 * c.tick().toMillis() + 150;
        assertThat(detectedMs).as("detection time").isLessThanOrEqualTo(bound);

        await().atMost(Duration.ofSeconds(3)).until(() -> monitor.stats().repaired() == 1);
        MonitorStats s = monitor.stats();
        assertThat(s.healthy()).isEqualTo(1);
        assertThat(s.broken()).isZero();
        assertThat(keeper.remaps()).isEqualTo(1);
        PortMapping now = keeper.mappings().getFirst();
        assertThat(now.external().getPort()).as("a new external port, the old one is refused").isNotEqualTo(first.external().getPort());
        MappingMonitor.Status st = monitor.mappings(DeviceId.of("nas-1")).getFirst();
        assertThat(st.mapping().external()).isEqualTo(now.external());
        assertThat(st.mapping().method()).isEqualTo("upnp");
        assertThat(st.health()).isEqualTo(Health.HEALTHY);
        assertThat(st.repairs()).isEqualTo(1);
        System.out.printf("loopback fault (a): detected in %d ms (bound %d ms), time to repair %d ms; %s%n",
                detectedMs, bound, s.lastTimeToRepair().toMillis(), s.line());
    }

    @Test
    void tcpMappingIsVerifiedByConnectAndNonce() throws Exception {
        SignalServer server = server();
        MappingMonitor monitor = server.mappingMonitor().orElseThrow();
        MappingKeeper keeper = MappingKeeper.builder().client(client(server, "cam-1")).gateway(new ForwardingGateway()).build();
        toClose.add(keeper);
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        keeper.keep(Transport.TCP, port);
        await().atMost(Duration.ofSeconds(3)).until(() -> monitor.stats().healthy() == 1);
        assertThat(monitor.mappings().getFirst().mapping().protocol()).isEqualTo("tcp");
    }

    @Test
    void forgedProbeDatagramsDoNotMakeAMappingHealthyAndGoneDevicesAreNotProbed() throws Exception {
        SignalServer server = server();
        MappingMonitor monitor = server.mappingMonitor().orElseThrow();
        SignallingClient client = client(server, "nas-2");
        ForwardingGateway gateway = new ForwardingGateway();
        MappingKeeper keeper = MappingKeeper.builder().client(client).gateway(gateway).build();
        toClose.add(keeper);
        PortMapping m = keeper.keep(Transport.UDP, freeUdpPort());
        gateway.breakMapping(m.external().getPort()); // before the first probe: never verified
        // a third party sends the device a probe with its own nonce: the device acks it, the server does not know it
        try (DatagramSocket attacker = new DatagramSocket()) {
            byte[] p = ProbePacket.encode(ProbePacket.newNonce());
            attacker.send(new DatagramPacket(p, p.length, m.internal()));
        }
        // the forged ack did not verify it: the round failed and a remap went out; only the remapped one is answered
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10)).until(() -> monitor.stats().repaired() == 1);
        assertThat(monitor.stats().remapsSent()).isEqualTo(1);
        assertThat(monitor.stats().probesAnswered()).isEqualTo(1);
        assertThat(keeper.probesAnswered()).as("the device acked the forged probe too").isGreaterThanOrEqualTo(2);
        // closing the client removes its mappings from the monitor
        client.close();
        await().atMost(Duration.ofSeconds(3)).until(() -> monitor.stats().monitored() == 0);
    }

    @Test
    void twoKeepersOnOneConnectionKeepEachOthersMappings() throws Exception {
        SignalServer server = server();
        MappingMonitor monitor = server.mappingMonitor().orElseThrow();
        SignallingClient client = client(server, "nas-2");
        MappingKeeper a = MappingKeeper.builder().client(client).gateway(new ForwardingGateway()).build();
        MappingKeeper b = MappingKeeper.builder().client(client).gateway(new ForwardingGateway()).build();
        toClose.add(a);
        toClose.add(b);
        a.keep(Transport.UDP, freeUdpPort());
        b.keep(Transport.UDP, freeUdpPort());
        await().atMost(Duration.ofSeconds(3)).until(() -> monitor.stats().healthy() == 2);
        a.report(); // a re-report by one keeper must not drop the other's mapping
        assertThat(client.network().mappings()).hasSize(2);
        b.close();
        await().atMost(Duration.ofSeconds(3)).until(() -> monitor.stats().monitored() == 1 && monitor.stats().healthy() == 1);
    }
}
