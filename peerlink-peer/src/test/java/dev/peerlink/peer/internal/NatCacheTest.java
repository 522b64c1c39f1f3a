package dev.peerlink.peer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.protocol.NetworkInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatCacheTest {
    static final NetworkInfo.Nat CONE = new NetworkInfo.Nat("port-restricted-cone", "endpoint-independent",
            "address-and-port-dependent", "preserving", null, true);
    static final NetworkInfo.Nat SYMMETRIC = new NetworkInfo.Nat("symmetric", "address-and-port-dependent",
            "address-and-port-dependent", "random", null, false);
    static final InetSocketAddress PUBLIC = new InetSocketAddress("203.0.113.7", 40000);

    @TempDir
    Path dir;

    /** A clock we move by hand. */
    static final class Hand extends Clock {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void aSavedReportIsFoundAgainForTheSameNetworkWithAllItsFields() throws Exception {
        NatCache c = new NatCache(dir.resolve("nat-cache.json"));
        String home = NatCache.key("ws://s:7000/v1/signal", List.of(ip("192.168.1.20")), List.of(ip("192.168.1.1")));
        assertThat(c.load(home)).isEmpty();
        c.save(home, PUBLIC, CONE);
        NatCache.Entry e = new NatCache(dir.resolve("nat-cache.json")).load(home).orElseThrow();
        assertThat(e.nat()).isEqualTo(CONE);
        assertThat(e.publicAddress()).isEqualTo(PUBLIC);
        c.save(home, null, null);
        assertThat(c.load(home).orElseThrow().nat()).isNull();
    }

    @Test
    void theKeyChangesWithTheAddressesTheGatewayAndTheServerButNotTheirOrder() throws Exception {
        List<InetAddress> own = List.of(ip("192.168.1.20"), ip("fd00::20"));
        List<InetAddress> gw = List.of(ip("192.168.1.1"));
        String k = NatCache.key("ws://s:7000/v1/signal", own, gw);
        assertThat(NatCache.key("ws://s:7000/v1/signal", own.reversed(), gw)).isEqualTo(k);
        assertThat(NatCache.key("ws://s:7000/v1/signal", List.of(ip("192.168.1.21"), ip("fd00::20")), gw)).isNotEqualTo(k);
        assertThat(NatCache.key("ws://s:7000/v1/signal", own, List.of(ip("192.168.1.254")))).isNotEqualTo(k);
        assertThat(NatCache.key("ws://t:7000/v1/signal", own, gw)).isNotEqualTo(k);
    }

    @Test
    void anAddressChangeMissesAndEachNetworkKeepsItsOwnReport() throws Exception {
        NatCache c = new NatCache(dir.resolve("nat-cache.json"));
        String home = NatCache.key("s", List.of(ip("192.168.1.20")), List.of(ip("192.168.1.1")));
        String cafe = NatCache.key("s", List.of(ip("10.1.2.3")), List.of(ip("10.1.0.1")));
        c.save(home, PUBLIC, CONE);
        assertThat(c.load(cafe)).isEmpty();
        c.save(cafe, null, SYMMETRIC);
        assertThat(c.load(home).orElseThrow().nat()).isEqualTo(CONE);
        assertThat(c.load(cafe).orElseThrow().nat()).isEqualTo(SYMMETRIC);
    }

    @Test
    void reportsOlderThanTheMaximumAgeAreNotUsed() throws Exception {
        Hand clock = new Hand();
        NatCache c = new NatCache(dir.resolve("nat-cache.json"), Duration.ofHours(24), clock);
        c.save("k", PUBLIC, CONE);
        clock.now = clock.now.plus(Duration.ofHours(23));
        assertThat(c.load("k")).isPresent();
        clock.now = clock.now.plus(Duration.ofHours(2));
        assertThat(c.load("k")).isEmpty();
        // a report from the future (the clock was set back) is not trusted either
        c.save("k", PUBLIC, CONE);
        clock.now = clock.now.minus(Duration.ofHours(1));
        assertThat(c.load("k")).isEmpty();
    }

    @Test
    void onlyTheMostRecentNetworksAreKept() {
        Hand clock = new Hand();
        NatCache c = new NatCache(dir.resolve("nat-cache.json"), Duration.ofHours(24), clock);
        for (int i = 0; i <= NatCache.MAX_NETWORKS; i++) {
            c.save("net-" + i, null, CONE);
            clock.now = clock.now.plusSeconds(1);
        }
        assertThat(c.load("net-0")).isEmpty();
        assertThat(c.load("net-1")).isPresent();
        assertThat(c.load("net-" + NatCache.MAX_NETWORKS)).isPresent();
    }

    @Test
    void anUnreadableFileIsAMissAndIsReplacedOnTheNextSave() throws Exception {
        Path f = dir.resolve("nat-cache.json");
        Files.writeString(f, "{\"networks\":[{\"key\":\"k\",\"savedAt\":");
        NatCache c = new NatCache(f);
        assertThat(c.load("k")).isEmpty();
        Files.writeString(f, "[1,2,3]");
        assertThat(c.load("k")).isEmpty();
        c.save("k", PUBLIC, CONE);
        assertThat(c.load("k").orElseThrow().nat()).isEqualTo(CONE);
    }

    @Test
    void defaultGatewaysFromTheKernelRoutingTables() throws Exception {
        List<String> v4 = List.of(
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
                "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0",
                "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0");
        assertThat(DefaultGateways.ipv4(v4)).containsExactly(ip("192.168.1.1"));
        List<String> v6 = List.of(
                "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003 eth0",
                "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0",
                "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200 lo");
        assertThat(DefaultGateways.ipv6(v6)).containsExactly(ip("fe80::1"));
    }
}
