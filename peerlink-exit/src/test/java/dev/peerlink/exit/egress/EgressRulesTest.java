package dev.peerlink.exit.egress;

import static dev.peerlink.exit.egress.CidrTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.exit.wire.ExitError;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EgressRulesTest {
    final EgressRules standard = EgressRules.standard();

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0,unspecified", "0.255.255.255,unspecified", "127.0.0.1,loopback", "127.255.255.254,loopback",
            "10.0.0.0,private", "10.255.255.255,private", "172.16.0.1,private", "172.31.255.255,private",
            "192.168.0.1,private", "192.168.255.255,private", "169.254.0.1,link-local", "169.254.255.255,link-local",
            "169.254.169.254,metadata", "100.64.0.0,carrier-grade", "100.127.255.255,carrier-grade",
            "224.0.0.1,multicast", "239.255.255.250,multicast", "255.255.255.255,broadcast", "240.0.0.1,reserved",
            "::,unspecified", "::1,loopback", "fc00::1,private", "fd12:3456::1,private", "fec0::1,private",
            "fe80::1,link-local", "febf:ffff::1,link-local", "ff02::1,multicast", "ff0e::101,multicast"})
    void refusesEveryNonInternetRange(String address, String why) {
        EgressDecision d = standard.checkAddress(ip(address));
        assertThat(d.allowed()).as(address).isFalse();
        assertThat(d.error()).isEqualTo(ExitError.FORBIDDEN_DESTINATION);
        assertThat(d.reason()).contains(why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.0", "192.169.0.1", "100.63.255.255",
            "100.128.0.0", "169.253.255.255", "223.255.255.255", "11.0.0.1", "126.255.255.255", "128.0.0.1",
            "192.0.2.1", "198.51.100.7", "203.0.113.9", // documentation ranges: the test bed's internet
            "2001:db8::1", "2606:4700::1111", "fbff::1", "2a00:1450::200e",
            "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"})
    void allowsInternetAndDocumentationAddresses(String address) {
        assertThat(standard.checkAddress(ip(address))).isEqualTo(EgressDecision.ALLOWED);
    }

    @ParameterizedTest
    @CsvSource({
            "::ffff:127.0.0.1,loopback", "::ffff:7f00:1,loopback", "::ffff:10.1.2.3,private",
            "::ffff:169.254.169.254,metadata", "::127.0.0.1,loopback", "::192.168.1.1,private", "::0.0.0.2,unspecified",
            "64:ff9b::a9fe:a9fe,metadata", "64:ff9b::7f00:1,loopback", "2002:c0a8:101::1,private",
            "2002:6440:1::1,carrier-grade", "::ffff:224.0.0.1,multicast"})
    void refusesIpv4RangesWrappedInIpv6(String text, String why) throws Exception {
        byte[] raw16 = v6bytes(text);
        // the JDK unwraps mapped literals itself; build the 16-byte form explicitly so the unwrapping is ours
        InetAddress wrapped = Inet6Address.getByAddress(null, raw16, -1);
        assertThat(wrapped).isInstanceOf(Inet6Address.class);
        for (InetAddress a : List.of(wrapped, ip(text))) {
            EgressDecision d = standard.checkAddress(a);
            assertThat(d.error()).as("%s", a).isEqualTo(ExitError.FORBIDDEN_DESTINATION);
            assertThat(d.reason()).contains(why);
        }
    }

    /** The 16 bytes an IPv6 literal spells, mapped forms included. */
    static byte[] v6bytes(String text) {
        byte[] raw = ip(text).getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(raw, 0, out, 12, 4);
        return out;
    }

    @Test
    void refusesTheProvidersOwnLanEvenInPublicSpace() throws Exception {
        EgressRules rules = standard.withLan(List.of(Cidr.parse("198.51.100.0/24"), Cidr.parse("2001:db8:5::/64")));
        EgressDecision d = rules.checkAddress(ip("198.51.100.7"));
        assertThat(d.error()).isEqualTo(ExitError.FORBIDDEN_DESTINATION);
        assertThat(d.reason()).contains("LAN 198.51.100.0/24");
        assertThat(rules.checkAddress(Inet6Address.getByAddress(null, v6bytes("::ffff:198.51.100.7"), -1)).allowed()).isFalse();
        assertThat(rules.checkAddress(ip("2001:db8:5::9")).allowed()).isFalse();
        assertThat(rules.checkAddress(ip("198.51.101.7")).allowed()).isTrue();
        assertThat(rules.checkAddress(ip("2001:db8:6::9")).allowed()).isTrue();
        assertThat(rules.lan()).hasSize(2);
    }

    @Test
    void openedBlocksOverrideTheRefusalsButNotThePorts() throws Exception {
        EgressRules rules = standard.withOpened(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("10.0.0.0/8"),
                Cidr.parse("fd00::/8"), Cidr.parse("198.51.100.0/25"))).withLan(List.of(Cidr.parse("198.51.100.0/24")))
                .withPorts(List.of(80, 443));
        assertThat(rules.check(ip("127.0.0.1"), 80).allowed()).isTrue();
        assertThat(rules.check(Inet6Address.getByAddress(null, v6bytes("::ffff:127.0.0.1"), -1), 443).allowed()).isTrue();
        assertThat(rules.check(ip("127.0.0.2"), 80).error()).isEqualTo(ExitError.FORBIDDEN_DESTINATION);
        assertThat(rules.check(ip("10.20.30.40"), 443).allowed()).isTrue();
        assertThat(rules.check(ip("fd00::5"), 443).allowed()).isTrue();
        assertThat(rules.check(ip("fc00::5"), 443).allowed()).isFalse();
        assertThat(rules.check(ip("198.51.100.9"), 443).allowed()).isTrue(); // opened part of the LAN
        assertThat(rules.check(ip("198.51.100.200"), 443).allowed()).isFalse(); // the rest of the LAN
        assertThat(rules.check(ip("169.254.169.254"), 80).allowed()).isFalse();
        EgressDecision port = rules.check(ip("127.0.0.1"), 22);
        assertThat(port.error()).isEqualTo(ExitError.PORT_NOT_ALLOWED);
        assertThat(port.reason()).contains("22").contains("[80, 443]");
    }

    @Test
    void portsAreOpenByDefaultAndCheckedWhenListed() {
        assertThat(standard.checkPort(22).allowed()).isTrue();
        assertThat(standard.checkPort(0).error()).isEqualTo(ExitError.PORT_NOT_ALLOWED);
        assertThat(standard.checkPort(65536).error()).isEqualTo(ExitError.PORT_NOT_ALLOWED);
        EgressRules web = standard.withPorts(List.of(443));
        assertThat(web.checkPort(443).allowed()).isTrue();
        assertThat(web.checkPort(80).error()).isEqualTo(ExitError.PORT_NOT_ALLOWED);
        assertThatThrownBy(() -> standard.withPorts(List.of(0))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyResolvedAddressMustBeAllowed() {
        // a rebinding name answering a public and a private address is refused as a whole
        EgressDecision d = standard.checkAll(List.of(ip("203.0.113.5"), ip("192.168.1.1")), 443);
        assertThat(d.error()).isEqualTo(ExitError.FORBIDDEN_DESTINATION);
        assertThat(d.reason()).contains("192.168.1.1");
        assertThat(standard.checkAll(List.of(ip("203.0.113.5"), ip("2001:db8::5")), 443).allowed()).isTrue();
        assertThat(standard.checkAll(List.of(), 443).error()).isEqualTo(ExitError.DNS_FAILURE);
        assertThat(standard.withPorts(List.of(80)).checkAll(List.of(ip("203.0.113.5")), 443).error())
                .isEqualTo(ExitError.PORT_NOT_ALLOWED);
    }

    @Test
    void decisionsAreConsistent() {
        assertThat(EgressDecision.ALLOWED.allowed()).isTrue();
        assertThatThrownBy(() -> EgressDecision.refused(null, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EgressDecision.refused(ExitError.FORBIDDEN_DESTINATION, " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lanPrefixesCoverEveryInterfaceAddressButLoopback() throws Exception {
        List<Cidr> lan = LanPrefixes.fromInterfaces();
        for (var ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : java.util.Collections.list(ni.getInetAddresses())) {
                if (!a.isLinkLocalAddress() && !a.isLoopbackAddress()) {
                    assertThat(lan).as("%s on %s", a, ni.getName()).anyMatch(c -> c.contains(a));
                }
            }
        }
        assertThat(lan).noneMatch(c -> c.contains(ip("127.0.0.1")) || c.contains(ip("::1")));
    }
}
