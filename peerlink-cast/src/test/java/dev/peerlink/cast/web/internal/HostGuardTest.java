package dev.peerlink.cast.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class HostGuardTest {
    @Test
    void loopbackBindAcceptsLoopbackLiteralsAndLocalhostWithAnyPort() throws Exception {
        HostGuard g = new HostGuard(InetAddress.getByName("127.0.0.1"));
        assertThat(g.allows("127.0.0.1:8080")).isTrue();
        assertThat(g.allows("127.0.0.1")).isTrue();
        assertThat(g.allows("localhost:9")).as("an SSH tunnel's local port differs").isTrue();
        assertThat(g.allows("LocalHost.")).isTrue();
        assertThat(g.allows("[::1]:8080")).isTrue();
        assertThat(g.allows("127.1.2.3:80")).isTrue();
    }

    @Test
    void loopbackBindRefusesNamesOtherAddressesAndGarbage() throws Exception {
        HostGuard g = new HostGuard(InetAddress.getByName("127.0.0.1"));
        assertThat(g.allows("evil.example:8080")).as("DNS rebinding").isFalse();
        assertThat(g.allows("localhost.evil.example")).isFalse();
        assertThat(g.allows("192.168.1.5:8080")).isFalse();
        assertThat(g.allows(null)).isFalse();
        assertThat(g.allows("")).isFalse();
        assertThat(g.allows("127.0.0.1:80x")).isFalse();
        assertThat(g.allows("127.0.0.1:99999")).isFalse();
        assertThat(g.allows("[::1")).isFalse();
        assertThat(g.allows("[nonsense]:80")).isFalse();
    }

    @Test
    void otherBindAcceptsAnyIpLiteralButNoName() throws Exception {
        HostGuard g = new HostGuard(InetAddress.getByName("0.0.0.0"));
        assertThat(g.allows("192.168.1.5:8080")).isTrue();
        assertThat(g.allows("[fe80::1]:8080")).isTrue();
        assertThat(g.allows("localhost:8080")).isTrue();
        assertThat(g.allows("receiver.lan:8080")).isFalse();
    }
}
