package dev.peerlink.exit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.exit.fake.DirectDialer;
import dev.peerlink.exit.proxy.LocalProxy.Config;
import dev.peerlink.exit.proxy.LocalProxy.Credentials;
import dev.peerlink.exit.proxy.LocalProxy.Limits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Configuration checks and the proxy's lifecycle: binding, addresses, refusal to start on a taken port. */
class LocalProxyConfigTest {
    @Test
    void invalidConfigurationsAreRefused() {
        assertThatThrownBy(() -> new Config(null, null, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Credentials("a:b", "p")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Credentials("", "p")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Credentials("u", "x".repeat(256))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(0, Duration.ofSeconds(1), Duration.ofSeconds(1), 8192))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(1, Duration.ZERO, Duration.ofSeconds(1), 8192))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(1, Duration.ofSeconds(1), Duration.ofSeconds(1), 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Credentials("u", "secret").toString()).doesNotContain("secret");
        assertThat(Config.loopbackSocks(0).limits()).isEqualTo(Limits.DEFAULT);
    }

    @Test
    void bindsOnlyWhatIsConfiguredOnLoopback() throws IOException {
        try (LocalProxy socksOnly = LocalProxy.start(Config.loopbackSocks(0), new DirectDialer());
             LocalProxy httpOnly = LocalProxy.start(Config.loopbackHttp(0), new DirectDialer())) {
            assertThat(socksOnly.socksAddress().getAddress().isLoopbackAddress()).isTrue();
            assertThat(socksOnly.socksAddress().getPort()).isPositive();
            assertThat(socksOnly.httpAddress()).isNull();
            assertThat(httpOnly.httpAddress().getAddress().isLoopbackAddress()).isTrue();
            assertThat(httpOnly.socksAddress()).isNull();
            assertThat(socksOnly.stats().openConnections()).isZero();
        }
    }

    @Test
    void aTakenPortFailsTheStartWithIOException() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Config config = Config.loopbackSocks(0).withLoopbackHttp(taken.getLocalPort());
            assertThatThrownBy(() -> LocalProxy.start(config, new DirectDialer()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
    }

    @Test
    void closeIsIdempotentAndStopsListening() throws IOException {
        LocalProxy proxy = LocalProxy.start(Config.loopbackSocks(0), new DirectDialer());
        InetSocketAddress address = proxy.socksAddress();
        proxy.close();
        proxy.close();
        try (ServerSocket rebound = new ServerSocket()) {
            rebound.setReuseAddress(true);
            rebound.bind(address); // free again
            assertThat(rebound.isBound()).isTrue();
        }
    }
}
