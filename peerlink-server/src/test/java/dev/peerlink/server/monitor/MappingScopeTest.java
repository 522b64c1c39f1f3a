package dev.peerlink.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.NetworkInfo.PortMapping;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The monitor under a {@link MappingScope}: only owned rounds run, claims can defer them, reports and acks are shared. */
class MappingScopeTest {
    static final DeviceId DEV = MappingMonitorTest.DEV;
    static final InetAddress PUBLIC = MappingMonitorTest.PUBLIC;

    final AtomicLong now = new AtomicLong(1_000_000);
    final List<String> probes = new ArrayList<>();
    final List<DeviceId> remapped = new ArrayList<>();

    /** A scope for tests: ownership and claim answers set by the test; what the monitor shares is recorded. */
    static final class FakeScope implements MappingScope {
        boolean owns = true;
        final Map<Due, Long> deny = new HashMap<>();
        final List<Due> claimed = new ArrayList<>();
        final List<List<PortMapping>> reports = new ArrayList<>();
        final List<String> foreignAcks = new ArrayList<>();

        @Override
        public boolean owns(DeviceId device) {
            return owns;
        }

        @Override
        public Map<Due, Long> claim(List<Due> due) {
            claimed.addAll(due);
            Map<Due, Long> out = new HashMap<>(deny);
            out.keySet().retainAll(Set.copyOf(due));
            return out;
        }

        @Override
        public void reported(DeviceId device, InetAddress observed, List<PortMapping> mappings) {
            reports.add(mappings);
        }

        @Override
        public void foreignAck(DeviceId device, String nonce) {
            foreignAcks.add(nonce);
        }
    }

    MappingMonitor monitor(FakeScope scope) {
        MappingMonitor m = new MappingMonitor(MappingMonitorTest.CONFIG, (tcp, to, nonce) -> probes.add(Ed25519.b64(nonce)),
                (d, msg) -> remapped.add(d), now::get);
        m.scope(scope);
        return m;
    }

    void advance(MappingMonitor m, long ms) {
        for (long t = 0; t < ms; t += 10) {
            now.addAndGet(10);
            m.tick();
        }
    }

    @Test
    void aMappingAnotherInstanceOwnsIsNeverProbedHereUntilOwnershipMoves() {
        FakeScope scope = new FakeScope();
        scope.owns = false;
        MappingMonitor m = monitor(scope);
        m.report(DEV, PUBLIC, List.of(MappingMonitorTest.udp(40001)));
        advance(m, 3000);
        assertThat(probes).isEmpty();
        assertThat(scope.claimed).isEmpty();
        scope.owns = true;
        m.ownershipChanged();
        m.tick();
        assertThat(probes).hasSize(1);
        assertThat(scope.claimed).hasSize(1);
    }

    @Test
    void aRoundAnotherInstanceRanWaitsUntilItsLeaseEnds() {
        FakeScope scope = new FakeScope();
        MappingMonitor m = monitor(scope);
        PortMapping udp = MappingMonitorTest.udp(40001);
        scope.deny.put(new MappingScope.Due(new MappingMonitor.Key(DEV, "udp", udp.internal()), udp.external()), 500L);
        m.report(DEV, PUBLIC, List.of(udp));
        m.tick();
        assertThat(probes).isEmpty();
        advance(m, 490);
        assertThat(probes).as("still leased elsewhere").isEmpty();
        scope.deny.clear();
        advance(m, 20);
        assertThat(probes).hasSize(1);
    }

    @Test
    void reportsAndDeparturesAreSharedButRemoteOnesAreNot() {
        FakeScope scope = new FakeScope();
        MappingMonitor m = monitor(scope);
        m.report(DEV, PUBLIC, List.of(MappingMonitorTest.udp(40001)));
        m.deviceGone(DEV);
        assertThat(scope.reports).containsExactly(List.of(MappingMonitorTest.udp(40001)), List.of());
        m.applyRemote(DEV, PUBLIC, List.of(MappingMonitorTest.udp(40002)));
        assertThat(m.mappings(DEV)).hasSize(1);
        m.applyRemote(DEV, null, List.of());
        assertThat(m.mappings(DEV)).isEmpty();
        assertThat(scope.reports).hasSize(2);
    }

    @Test
    void anAckForAProbeSentElsewhereIsForwardedOnceAndAcceptedBySender() {
        FakeScope scope = new FakeScope();
        MappingMonitor m = monitor(scope);
        m.report(DEV, PUBLIC, List.of(MappingMonitorTest.udp(40001)));
        m.tick();
        String nonce = probes.getFirst();
        assertThat(m.ack(DEV, "bm90LW91cnMtbm9uY2U")).isFalse();
        assertThat(scope.foreignAcks).containsExactly("bm90LW91cnMtbm9uY2U");
        assertThat(m.ackRemote(DEV, "c29tZW9uZS1lbHNl")).isFalse();
        assertThat(scope.foreignAcks).as("a remote ack is never forwarded again").hasSize(1);
        assertThat(m.ackRemote(DEV, nonce)).isTrue();
        assertThat(m.stats().healthy()).isEqualTo(1);
    }

    @Test
    void aStaleMappingReportedAtAnotherInstanceIsLeftForThatInstanceToRemap() {
        FakeScope scope = new FakeScope();
        MappingMonitor m = monitor(scope);
        InetAddress newWan = MappingMonitorTest.ip("203.0.113.201");
        m.applyRemote(DEV, PUBLIC, List.of(MappingMonitorTest.udp(40001)));
        m.applyRemote(DEV, newWan, List.of(MappingMonitorTest.udp(40001)));
        m.tick();
        assertThat(remapped).isEmpty();
        assertThat(m.mappings(DEV).getFirst().health()).as("known broken here too").isEqualTo(Health.REPAIRING);
        MappingMonitor devicesInstance = monitor(new FakeScope());
        devicesInstance.report(DEV, PUBLIC, List.of(MappingMonitorTest.udp(40001)));
        devicesInstance.report(DEV, newWan, List.of(MappingMonitorTest.udp(40001)));
        devicesInstance.tick();
        assertThat(remapped).as("the device's own instance orders it").containsExactly(DEV);
    }
}
