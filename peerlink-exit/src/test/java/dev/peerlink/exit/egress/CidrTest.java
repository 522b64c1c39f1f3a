package dev.peerlink.exit.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.exit.egress.CidrException.Reason;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {
    static InetAddress ip(String s) {
        return IpLiterals.parse(s).orElseThrow(() -> new AssertionError("not a literal: " + s));
    }

    @Test
    void parsesBlocksOfBothFamiliesAndMatchesTheirEdges() {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertThat(ten.contains(ip("10.0.0.0"))).isTrue();
        assertThat(ten.contains(ip("10.255.255.255"))).isTrue();
        assertThat(ten.contains(ip("11.0.0.0"))).isFalse();
        assertThat(ten.contains(ip("9.255.255.255"))).isFalse();
        Cidr odd = Cidr.parse("172.16.0.0/12");
        assertThat(odd.contains(ip("172.31.255.255"))).isTrue();
        assertThat(odd.contains(ip("172.32.0.0"))).isFalse();
        Cidr ula = Cidr.parse("fc00::/7");
        assertThat(ula.contains(ip("fdff:ffff::1"))).isTrue();
        assertThat(ula.contains(ip("fe00::"))).isFalse();
        assertThat(ula.isIpv4()).isFalse();
        assertThat(ula.prefixLength()).isEqualTo(7);
    }

    @Test
    void aBareAddressIsAHostBlockAndFamiliesNeverMix() {
        Cidr host = Cidr.parse(" 127.0.0.1 ");
        assertThat(host.prefixLength()).isEqualTo(32);
        assertThat(host.contains(ip("127.0.0.1"))).isTrue();
        assertThat(host.contains(ip("127.0.0.2"))).isFalse();
        assertThat(Cidr.parse("::1").prefixLength()).isEqualTo(128);
        Cidr all4 = Cidr.parse("0.0.0.0/0");
        assertThat(all4.contains(ip("255.1.2.3"))).isTrue();
        assertThat(all4.contains(ip("2001:db8::1"))).isFalse();
        assertThat(Cidr.parse("::/0").contains(ip("8.8.8.8"))).isFalse();
    }

    @Test
    void anIpv4MappedBlockBecomesTheIpv4Block() {
        assertThat(Cidr.parse("::ffff:10.0.0.0/104")).isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("::ffff:127.0.0.1")).isEqualTo(Cidr.parse("127.0.0.1/32"));
        assertThatThrownBy(() -> Cidr.parse("::ffff:10.0.0.0/90")).isInstanceOf(CidrException.class)
                .satisfies(e -> assertThat(((CidrException) e).reason()).isEqualTo(Reason.BAD_PREFIX));
    }

    @Test
    void ofClearsHostBitsAndPrintsItsBlock() {
        Cidr c = Cidr.of(ip("192.168.7.42"), 20);
        assertThat(c).hasToString("192.168.0.0/20");
        assertThat(c).isEqualTo(Cidr.parse("192.168.0.0/20")).hasSameHashCodeAs(Cidr.parse("192.168.0.0/20"));
        assertThat(Cidr.parse(c.toString())).isEqualTo(c);
        assertThat(Cidr.of(ip("2001:db8:1:2::5"), 48)).hasToString("2001:db8:1:0:0:0:0:0/48");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "'';EMPTY", "'   ';EMPTY", "example.com/8;BAD_ADDRESS", "localhost;BAD_ADDRESS", "1.2.3/24;BAD_ADDRESS",
            "01.2.3.4/32;BAD_ADDRESS", "256.0.0.0/8;BAD_ADDRESS", "fe80::1%eth0/64;BAD_ADDRESS", "10.0.0.0/33;BAD_PREFIX",
            "10.0.0.0/-1;BAD_PREFIX", "10.0.0.0/;BAD_PREFIX", "10.0.0.0/x;BAD_PREFIX", "::/129;BAD_PREFIX",
            "10.1.0.0/8;HOST_BITS_SET", "fc00::1/7;HOST_BITS_SET"})
    void refusesMalformedBlocksWithATypedReason(String text, Reason reason) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(CidrException.class).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(((CidrException) e).reason()).isEqualTo(reason))
                .hasMessageNotContaining("null");
    }

    @Test
    void hostBitsErrorSuggestsTheBlock() {
        assertThatThrownBy(() -> Cidr.parse("10.1.2.3/8")).hasMessageContaining("10.0.0.0/8");
    }

    @Test
    void nullIsEmpty() {
        assertThatThrownBy(() -> Cidr.parse(null)).isInstanceOf(CidrException.class)
                .satisfies(e -> assertThat(((CidrException) e).reason()).isEqualTo(Reason.EMPTY));
    }

    /** contains() against arithmetic on the whole address as a number, for random blocks and addresses. */
    @Test
    void containsAgreesWithIntegerArithmetic() throws Exception {
        Random rnd = new Random(20260101);
        for (int i = 0; i < 5000; i++) {
            int len = rnd.nextBoolean() ? 4 : 16;
            byte[] net = new byte[len], probe = new byte[len];
            rnd.nextBytes(net);
            rnd.nextBytes(probe);
            int prefix = rnd.nextInt(len * 8 + 1);
            if (rnd.nextInt(3) == 0) { // often share the prefix so both answers occur
                System.arraycopy(net, 0, probe, 0, Math.min(len, prefix / 8 + 1));
            }
            Cidr c = Cidr.of(InetAddress.getByAddress(net), prefix);
            int shift = len * 8 - prefix;
            boolean expected = new BigInteger(1, net).shiftRight(shift).equals(new BigInteger(1, probe).shiftRight(shift));
            assertThat(c.contains(probe)).as("%s contains %s", c, InetAddress.getByAddress(probe)).isEqualTo(expected);
        }
    }

    @Test
    void literalsNeverResolveNames() {
        assertThat(IpLiterals.parse("localhost")).isEmpty();
        assertThat(IpLiterals.parse("example.com")).isEmpty();
        assertThat(IpLiterals.parse("1.2.3.256")).isEmpty();
        assertThat(IpLiterals.parse("1.2.3")).isEmpty();
        assertThat(IpLiterals.parse("::g")).isEmpty();
        assertThat(IpLiterals.parse(null)).isEmpty();
        assertThat(IpLiterals.parse("203.0.113.9")).contains(ip("203.0.113.9"));
        assertThat(IpLiterals.parse("::1").orElseThrow().isLoopbackAddress()).isTrue();
    }
}
