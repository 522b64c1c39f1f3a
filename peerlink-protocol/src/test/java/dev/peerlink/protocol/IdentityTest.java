package dev.peerlink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityTest {
    @ParameterizedTest
    @ValueSource(strings = {"AA:BB:CC:DD:EE:FF", "aa-bb-cc-dd-ee-ff", "aabb.ccdd.eeff", "AABBCCDDEEFF"})
    void macFormsNormalise(String mac) {
        assertThat(Identity.normaliseMac(mac)).isEqualTo("aa:bb:cc:dd:ee:ff");
        assertThat(Identity.mac(mac)).isEqualTo(Identity.mac("aa:bb:cc:dd:ee:ff"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:gg", "aab:bcc:dde:eff", "a:abb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff:00"})
    void badMacs(String mac) {
        assertThatThrownBy(() -> Identity.normaliseMac(mac)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deviceIds() {
        assertThat(DeviceId.isValid("pc-1.home_2")).isTrue();
        assertThat(DeviceId.isValid("a".repeat(64))).isTrue();
        assertThat(DeviceId.isValid("a".repeat(65))).isFalse();
        assertThat(DeviceId.isValid("")).isFalse();
        assertThat(DeviceId.isValid("a/b")).isFalse();
        assertThat(DeviceId.isValid("ü")).isFalse();
    }

    @Test
    void parseCommandLineForm() {
        assertThat(Identity.parse("pc-1")).isEqualTo(Identity.device("pc-1"));
        assertThat(Identity.parse("device:pc-1")).isEqualTo(Identity.device("pc-1"));
        assertThat(Identity.parse("mac:AA-BB-CC-DD-EE-FF")).isEqualTo(Identity.mac("aa:bb:cc:dd:ee:ff"));
        assertThat(Identity.parse("user:42").kind()).isEqualTo(Identity.Kind.USER);
        assertThat(Identity.parse("username:alice").value()).isEqualTo("alice");
        assertThatThrownBy(() -> Identity.username("a\nb")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void endpointsAcceptOnlyLiterals() {
        assertThat(Endpoints.parse("1.2.3.4:5")).isEqualTo(new InetSocketAddress("1.2.3.4", 5));
        assertThat(Endpoints.parse("[::1]:5")).isEqualTo(new InetSocketAddress("::1", 5));
        assertThat(Endpoints.format(new InetSocketAddress("::1", 5))).isEqualTo("[0:0:0:0:0:0:0:1]:5");
        for (String bad : new String[] {"localhost:80", "1.2.3:4", "1.2.3.4", "1.2.3.4:", "1.2.3.4:-1", "[::1]", "[x]:1",
                "256.1.1.1:1", "1.2.3.4:65536", "01.2.3.4:1"}) {
            assertThatThrownBy(() -> Endpoints.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
