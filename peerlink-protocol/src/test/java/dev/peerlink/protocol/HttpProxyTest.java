package dev.peerlink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpProxyTest {
    @Test
    void parsesTheFormsCurlAccepts() {
        assertThat(HttpProxy.parse("http://proxy.example:3128")).isEqualTo(new HttpProxy("proxy.example", 3128, null, null));
        assertThat(HttpProxy.parse("proxy.example:8080")).isEqualTo(new HttpProxy("proxy.example", 8080, null, null));
        assertThat(HttpProxy.parse("http://proxy.example")).isEqualTo(new HttpProxy("proxy.example", 80, null, null));
        assertThat(HttpProxy.parse("http://[2001:db8::1]:3128")).isEqualTo(new HttpProxy("2001:db8::1", 3128, null, null));
        HttpProxy withAuth = HttpProxy.parse("http://al%40ce:p%3Ass%20w@10.0.0.1:3128/");
        assertThat(withAuth.username()).isEqualTo("al@ce");
        assertThat(withAuth.password()).isEqualTo("p:ss w");
        assertThat(withAuth.hasCredentials()).isTrue();
    }

    @Test
    void rejectsWhatItCannotUseWithAClearMessage() {
        assertThatThrownBy(() -> HttpProxy.parse("socks5://proxy:1080")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only http://");
        assertThatThrownBy(() -> HttpProxy.parse("http://user@proxy:3128")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user:password");
        assertThatThrownBy(() -> HttpProxy.parse("http://:3128")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpProxy.parse("http://proxy:99999")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpProxy.parse("http://pro xy:1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverPrintsThePassword() {
        assertThat(HttpProxy.parse("http://u:hunter2@proxy:3128").toString()).doesNotContain("hunter2")
                .isEqualTo("http://proxy:3128 (with credentials)");
    }

    @Test
    void picksTheVariableForTheSchemeLowerCaseFirst() {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://upper:1", "https_proxy", "http://lower:2", "HTTP_PROXY", "http://plain:3");
        assertThat(HttpProxy.forTarget(URI.create("wss://server.example/v1/signal"), env)).get().extracting(HttpProxy::host).isEqualTo("lower");
        assertThat(HttpProxy.forTarget(URI.create("ws://server.example:7000/v1/signal"), env)).get().extracting(HttpProxy::host).isEqualTo("plain");
        assertThat(HttpProxy.forTarget(URI.create("wss://server.example"), Map.of())).isEmpty();
        assertThat(HttpProxy.forTarget(URI.create("wss://server.example"), Map.of("HTTPS_PROXY", " "))).isEmpty();
    }

    @Test
    void noProxyExcludesHostsAndDomainSuffixes() {
        String rules = "localhost, .corp.example,lan.example:7000 ,192.0.2.7";
        assertThat(HttpProxy.excluded("localhost", rules)).isTrue();
        assertThat(HttpProxy.excluded("signal.corp.example", rules)).isTrue();
        assertThat(HttpProxy.excluded("corp.example", rules)).isTrue();
        assertThat(HttpProxy.excluded("a.lan.example", rules)).isTrue();
        assertThat(HttpProxy.excluded("192.0.2.7", rules)).isTrue();
        assertThat(HttpProxy.excluded("notcorp.example", rules)).isFalse();
        assertThat(HttpProxy.excluded("server.example", rules)).isFalse();
        assertThat(HttpProxy.excluded("anything", "*")).isTrue();
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://proxy:3128", "NO_PROXY", ".corp.example");
        assertThat(HttpProxy.forTarget(URI.create("wss://signal.corp.example/v1/signal"), env)).isEmpty();
        assertThat(HttpProxy.forTarget(URI.create("wss://server.example/v1/signal"), env)).isPresent();
    }

    @Test
    void aMalformedVariableIsAnErrorNotADirectConnection() {
        assertThatThrownBy(() -> HttpProxy.forTarget(URI.create("wss://server.example"), Map.of("HTTPS_PROXY", "socks5://p:1")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
