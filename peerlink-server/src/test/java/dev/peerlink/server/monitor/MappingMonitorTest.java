package dev.peerlink.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo.PortMapping;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The monitor's state machine with a fake clock, a recording prober and a recording remap sender. */
class MappingMonitorTest {
    static final DeviceId DEV = DeviceId.of("nas-1");
    static final InetAddress PUBLIC = ip("203.0.113.7");
    // interval 1000 ms, probe timeout 100 ms, 1 retry
    static final MonitorConfig CONFIG = MonitorConfig.every(Duration.ofSeconds(1));

    final AtomicLong now = new AtomicLong(1_000_000);
    final List<Sent> probes = new ArrayList<>();
    final List<Message.Remap> remaps = new ArrayList<>();
    final Set<DeviceId> onlineDevices = new HashSet<>(Set.of(DEV));

    record Sent(boolean tcp, InetSocketAddress to, String nonce, long at) {}

    MappingMonitor monitor(MonitorConfig c) {
        return new MappingMonitor(c, (tcp, to, nonce) -> probes.add(new Sent(tcp, to, Ed25519.b64(nonce), now.get())),
                (dev, m) -> {
                    if (!onlineDevices.contains(dev)) {
                        return false;
                    }
                    remaps.add((Message.Remap) m);
                    return true;
                }, now::get);
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static PortMapping udp(int external) {
        return new PortMapping("udp", new InetSocketAddress(PUBLIC, external), new InetSocketAddress("192.168.1.20", 7001), 3600, "upnp");
    }

    void advance(MappingMonitor m, long ms) {
        for (long t = 0; t < ms; t += 10) {
            now.addAndGet(10);
            m.tick();
        }
    }

    Sent last() {
        return probes.getLast();
    }

    @Test
    void newMappingIsProbedAtOnceAndVerifiedByItsNonce() {
        MappingMonitor m = monitor(CONFIG);
        m.report(DEV, PUBLIC, List.of(udp(40001)));
        m.tick();
        assertThat(probes).hasSize(1);
        assertThat(last().to()).isEqualTo(new InetSocketAddress(PUBLIC, 40001));
        assertThat(last().tcp()).isFalse();
        assertThat(m.stats().pending()).isEqualTo(1);
        assertThat(m.ack(DeviceId.of("other"), last().nonce())).as("another device's ack").isFalse();
        assertThat(m.ack(DEV, Ed25519.b64(new byte[16]))).as("a guessed nonce").isFalse();
        assertThat(m.ack(DEV, last().nonce())).isTrue();
        assertThat(m.ack(DEV, last().nonce())).as("replayed").isFalse();
        assertThat(m.stats().healthy()).isEqualTo(1);
        // next round one interval later, not before
        advance(m, 990);
        assertThat(probes).hasSize(1);
        advance(m, 20);
        assertThat(probes).hasSize(2);
        assertThat(probes.get(1).nonce()).isNotEqualTo(probes.get(0).nonce());
    }

    @Test
    void unansweredRoundIsRetriedThenRemapsAndTheNewMappingIsVerified() {
        MappingMonitor m = monitor(CONFIG);
        m.report(DEV, PUBLIC, List.of(udp(40001)));
        m.tick();
        m.ack(DEV, last().nonce());
        long brokenAt = now.get(); // the mapping breaks right after a good round
        advance(m, 1000); // next round's first probe
        assertThat(probes).hasSize(2);
        advance(m, 100); // its timeout: retry
        assertThat(probes).hasSize(3);
        assertThat(remaps).isEmpty();
        advance(m, 100); // retry unanswered: round failed
        assertThat(remaps).hasSize(1);
        assertThat(remaps.getFirst().mapping().external().getPort()).isEqualTo(40001);
        assertThat(remaps.getFirst().reason()).isEqualTo("probe-failed");
        long detected = now.get() - brokenAt;
        assertThat(detected).as("detected within interval + 2 probe timeouts").isLessThanOrEqualTo(1000 + 2 * 100 + 10);
        MonitorStats s = m.stats();
        assertThat(s.broken()).isEqualTo(1);
        assertThat(s.roundsFailed()).isEqualTo(1);
        assertThat(s.remapsSent()).isEqualTo(1);
        // the device remaps onto a new external port and reports it: probed at once, not after an interval
        advance(m, 300);
        int before = probes.size();
        m.report(DEV, PUBLIC, List.of(udp(40002)));
        m.tick();
        assertThat(probes).hasSize(before + 1);
        assertThat(last().to().getPort()).isEqualTo(40002);
        m.ack(DEV, last().nonce());
        s = m.stats();
        assertThat(s.healthy()).isEqualTo(1);
        assertThat(s.broken()).isZero();
        assertThat(s.repaired()).isEqualTo(1);
        assertThat(s.lastTimeToRepair()).isEqualTo(Duration.ofMillis(300));
        assertThat(m.mappings().getFirst().repairs()).isEqualTo(1);
        assertThat(m.mappings().getFirst().mapping().external().getPort()).isEqualTo(40002);
    }

    @Test
    void remadeMappingOnTheSameExternalEndpointIsVerifiedAtOnceButOnlyOncePerRemapOrder() {
        MappingMonitor m = monitor(CONFIG);
        m.report(DEV, PUBLIC, List.of(udp(40001)));
        advance(m, 210); // both probes unanswered: remap ordered
        assertThat(remaps).hasSize(1);
        advance(m, 50);
        // the gateway granted the same external port again: the report is identical, still probed at once
        int before = probes.size();
        m.report(DEV, PUBLIC, List.of(udp(40001)));
        m.tick();
        assertThat(probes).hasSize(before + 1);
        // the same report again (an unrelated update) does not start another round
        m.report(DEV, PUBLIC, List.of(udp(40001)));
        m.tick();
        assertThat(probes).hasSize(before + 1);
        m.ack(DEV, last().nonce());
        assertThat(m.stats().repaired()).isEqualTo(1);
        assertThat(m.stats().lastTimeToRepair()).isEqualTo(Duration.ofMillis(50));
        // healthy mappings re-reported unchanged are not probed early either
        m.report(DEV, PUBLIC, List.of(udp(40001)));
        m.tick();
        assertThat(probes).hasSize(before + 1);
    }

    @Test
    void lateAnswerToTheFirstProbeOfARoundStillCounts() {
        MappingMonitor m = monitor(CONFIG);
        m.report(DEV, PUBLIC, List.of(udp(40001)));
        m.tick();
        String first = last().nonce();
        advance(m, 100); // retry sent
        assertThat(probes).hasSize(2);
        assertThat(m.ack(DEV, first)).isTrue();
        assertThat(m.stats().healthy()).isEqualTo(1);
        assertThat(m.outstandingNonces()).isZero();
    }

    @Test
    void remapIsRepeatedEachFailedRoundUntilRepaired() {
        MappingMonitor m = monitor(CONFIG);
        m.report(DEV, PUBLIC, List.of(udp(40001)));
        advance(m, 210);
        assertThat(remaps).hasSize(1);
        advance(m, 1000 + 150); // next round at +1000, its two probes time out 200 ms later
        assertThat(remaps).hasSize(1);
        advance(m, 60);
        assertThat(remaps).hasSize(2);
        assertThat(m.stats().broken()).isEqualTo(1);
        assertThat(m.mappings().getFirst().consecutiveFailures()).isEqualTo(2);
    }

    @Test
    void onlyTheDevicesObservedAddressIsProbedUnlessConfigured() {
        MappingMonitor m = monitor(CONFIG);
        m.report(DEV, ip("198.51.100.9"), List.of(udp(40001)));
        m.tick();
        assertThat(probes).isEmpty();
        assertThat(m.stats().refused()).isEqualTo(1);
        assertThat(m.stats().monitored()).isZero();
        MappingMonitor open = monitor(CONFIG.withAllowForeignExternal(true));
        open.report(DEV, ip("198.51.100.9"), List.of(udp(40001)));
        open.tick();
        assertThat(probes).hasSize(1);
        // unspecified external address or port 0 never
        MappingMonitor any = monitor(CONFIG.withAllowForeignExternal(true));
        any.report(DEV, PUBLIC, List.of(new PortMapping("udp", new InetSocketAddress("0.0.0.0", 1), new InetSocketAddress("10.0.0.2", 1), 0)));
        assertThat(any.stats().monitored()).isZero();
    }

    @Test
    void goneDevicesAndDroppedMappingsAreForgotten() {
        MappingMonitor m = monitor(CONFIG);
        PortMapping tcp = new PortMapping("tcp", new InetSocketAddress(PUBLIC, 40005), new InetSocketAddress("192.168.1.20", 7002), 0, "pcp");
        m.report(DEV, PUBLIC, List.of(udp(40001), tcp));
        m.tick();
        assertThat(probes).hasSize(2);
        assertThat(probes).filteredOn(Sent::tcp).hasSize(1);
        m.report(DEV, PUBLIC, List.of(tcp));
        assertThat(m.stats().monitored()).isEqualTo(1);
        assertThat(m.outstandingNonces()).isEqualTo(1);
        m.deviceGone(DEV);
        assertThat(m.stats().monitored()).isZero();
        assertThat(m.outstandingNonces()).isZero();
        advance(m, 3000);
        assertThat(probes).hasSize(2);
    }

    @Test
    void aDeviceThatCannotBeToldToRemapIsDropped() {
        MappingMonitor m = monitor(CONFIG);
        m.report(DEV, PUBLIC, List.of(udp(40001)));
        onlineDevices.clear();
        advance(m, 210);
        assertThat(m.stats().monitored()).isZero();
    }

    @Test
    void memoryAndProbeRateAreBounded() {
        MappingMonitor m = monitor(CONFIG.withLimits(100, 30).withMaxProbesPerSecond(50).withAllowForeignExternal(true));
        for (int d = 0; d < 200; d++) {
            InetAddress a = ip("198.51.100." + (d % 5));
            m.report(DeviceId.of("d" + d), a, List.of(new PortMapping("udp", new InetSocketAddress(a, 1000 + d),
                    new InetSocketAddress("10.0.0.2", 1000 + d), 0)));
        }
        MonitorStats s = m.stats();
        assertThat(s.monitored()).isEqualTo(100); // 5 IPs x 30 would be 150: the global cap wins
        assertThat(s.refused()).isEqualTo(100);
        m.tick();
        assertThat(probes).hasSize(2); // bursts are two ticks' worth (tick 20 ms at 50/s: 2)
        advance(m, 1000);
        assertThat(probes.size()).isBetween(50, 53); // then 50/s
        assertThat(m.stats().deferred()).isPositive();
        assertThat(m.outstandingNonces()).isLessThanOrEqualTo(2 * 100);

        MappingMonitor perIp = monitor(CONFIG.withLimits(1000, 3).withAllowForeignExternal(true));
        for (int d = 0; d < 10; d++) {
            perIp.report(DeviceId.of("d" + d), PUBLIC, List.of(udp(2000 + d)));
        }
        assertThat(perIp.stats().monitored()).isEqualTo(3);
    }

    @Test
    void reportingTheSameInternalEndpointTwiceKeepsOne() {
        MappingMonitor m = monitor(CONFIG);
        m.report(DEV, PUBLIC, List.of(udp(40001), udp(40009)));
        assertThat(m.stats().monitored()).isEqualTo(1);
    }

    @Test
    void aMappingStillReportedUnderTheOldWanAddressIsStaleAndRemappedThenTheNewAddressIsVerified() {
        MappingMonitor m = monitor(CONFIG);
        m.report(DEV, PUBLIC, List.of(udp(40001)));
        m.tick();
        m.ack(DEV, last().nonce());
        // the router's WAN address changes: the device reconnects from the new address, still reporting the old one
        InetAddress moved = ip("203.0.113.201");
        m.deviceGone(DEV);
        m.report(DEV, moved, List.of(udp(40001)));
        m.tick();
        assertThat(remaps).hasSize(1);
        assertThat(remaps.getFirst().reason()).isEqualTo("external-address-changed");
        assertThat(m.stats().broken()).isEqualTo(1);
        // reported stale again before re-mapping: no second order within the interval
        m.report(DEV, moved, List.of(udp(40001)));
        m.tick();
        assertThat(remaps).hasSize(1);
        advance(m, 50);
        PortMapping fresh = new PortMapping("udp", new InetSocketAddress(moved, 40001), new InetSocketAddress("192.168.1.20", 7001), 3600, "upnp");
        m.report(DEV, moved, List.of(fresh));
        m.tick();
        assertThat(last().to()).isEqualTo(fresh.external());
        assertThat(m.ack(DEV, last().nonce())).isTrue();
        assertThat(m.stats().healthy()).isEqualTo(1);
        assertThat(m.stats().repaired()).isEqualTo(1);
    }

    @Test
    void aForeignExternalAddressNeverSeenFromIsStillRefusedNotRemapped() {
        MappingMonitor m = monitor(CONFIG);
        m.report(DEV, ip("198.51.100.9"), List.of(udp(40001))); // e.g. a double NAT: never seen from PUBLIC
        m.tick();
        assertThat(remaps).isEmpty();
        assertThat(probes).isEmpty();
    }
}
