package dev.peerlink.exit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.exit.fake.DirectDialer.Dial;
import dev.peerlink.exit.fake.DirectDialer;
import dev.peerlink.exit.proxy.LocalProxy.Config;
import dev.peerlink.exit.proxy.LocalProxy.Credentials;
import dev.peerlink.exit.wire.ExitError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy as real clients use it: curl through SOCKS5 (socks5h) and through the HTTP proxy, to a local origin. */
class LocalProxyCurlTest {
    private static Origins origins;
    private DirectDialer dialer;
    private LocalProxy proxy;

    @BeforeAll
    static void origins() throws IOException {
        origins = new Origins();
    }

    @AfterAll
    static void closeOrigins() throws IOException {
        origins.close();
    }

    @BeforeEach
    void start() throws IOException {
        if (!Curl.available()) {
            System.out.println("SKIPPED (LocalProxyCurlTest): curl is not installed at " + Curl.CURL);
        }
        Assumptions.assumeTrue(Curl.available(), "curl is not installed at " + Curl.CURL);
        dialer = new DirectDialer();
        proxy = LocalProxy.start(Config.loopbackSocks(0).withLoopbackHttp(0), dialer);
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
            assertThat(proxy.stats().openFlows()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> dialer.openFlows() == 0);
        }
    }

    private void restartWith(Credentials credentials) throws IOException {
        proxy.close();
        proxy = LocalProxy.start(Config.loopbackSocks(0).withLoopbackHttp(0).withCredentials(credentials), dialer);
    }

    private String socks() {
        return "127.0.0.1:" + proxy.socksAddress().getPort();
    }

    private String http() {
        return "http://127.0.0.1:" + proxy.httpAddress().getPort();
    }

    private String origin(String path) {
        return "http://localhost:" + origins.httpPort() + path;
    }

    @Test
    void socks5HostnameCarriesTheNameToTheExitAndTheBigBodyIntact() throws Exception {
        Curl.Result r = Curl.run("--socks5-hostname", socks(), origin("/big"));

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Origins.sha256(r.out())).isEqualTo(Origins.sha256(Origins.BIG));
        assertThat(dialer.dials()).containsExactly(new Dial("localhost", origins.httpPort()));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            ProxyStats s = proxy.stats();
            assertThat(s.flowsOpened()).isEqualTo(1);
            assertThat(s.bytesDown()).isGreaterThan(Origins.BIG.length);
            assertThat(s.openFlows()).isZero();
            assertThat(s.openConnections()).isZero();
        });
    }

    @Test
    void socks5WithUsernameAndPasswordAdmitsOnlyTheRightCredentials() throws Exception {
        restartWith(new Credentials("alice", "s3cret"));

        Curl.Result ok = Curl.run("--socks5-hostname", "alice:s3cret@" + socks(), origin("/small"));
        Curl.Result wrong = Curl.run("--socks5-hostname", "alice:guess@" + socks(), origin("/small"));
        Curl.Result none = Curl.run("--socks5-hostname", socks(), origin("/small"));

        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo(Origins.SMALL);
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.err()).contains("rejected"); // RFC 1929 status 0xff
        assertThat(none.exit()).isNotZero();
        assertThat(none.err()).contains("No authentication method was acceptable"); // METHOD 0xff
        assertThat(dialer.dials()).hasSize(1);
    }

    @Test
    void httpAbsoluteFormIsForwardedInOriginFormWithoutHopByHopHeaders() throws Exception {
        Curl.Result r = Curl.run("-x", http(), "-H", "Keep-Alive: timeout=5", "-H", "X-Drop: 1",
                "-H", "Connection: X-Drop", origin("/small"));

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(Origins.SMALL);
        assertThat(dialer.dials()).containsExactly(new Dial("localhost", origins.httpPort()));
        var seen = origins.lastRequestHeaders;
        assertThat(seen.getFirst("Host")).isEqualTo("localhost:" + origins.httpPort());
        assertThat(seen.getFirst("Connection")).isEqualToIgnoringCase("close");
        assertThat(seen.containsKey("Proxy-Connection")).isFalse();
        assertThat(seen.containsKey("Keep-Alive")).isFalse();
        assertThat(seen.containsKey("X-Drop")).as("named by Connection").isFalse();
    }

    @Test
    void httpAbsoluteFormStreamsRequestBodiesBothFramed(@TempDir Path dir) throws Exception {
        byte[] body = Origins.seeded(300_000, 7);
        Path file = dir.resolve("body.bin");
        Files.write(file, body);
        String expected = Origins.sha256(body) + " " + body.length;

        Curl.Result sized = Curl.run("-x", http(), "--data-binary", "@" + file, origin("/digest"));
        Curl.Result chunked = Curl.run("-x", http(), "-H", "Transfer-Encoding: chunked",
                "--data-binary", "@" + file, origin("/digest"));

        assertThat(sized.exit()).as(sized.err()).isZero();
        assertThat(sized.text()).isEqualTo(expected);
        assertThat(chunked.exit()).as(chunked.err()).isZero();
        assertThat(chunked.text()).isEqualTo(expected);
    }

    @Test
    void httpConnectTunnelCarriesTheExchangeIntact() throws Exception {
        Curl.Result small = Curl.run("-p", "-x", http(), origin("/small"));
        Curl.Result big = Curl.run("-p", "-x", http(), origin("/big"));

        assertThat(small.exit()).as(small.err()).isZero();
        assertThat(small.out()).isEqualTo(Origins.SMALL);
        assertThat(big.exit()).as(big.err()).isZero();
        assertThat(Origins.sha256(big.out())).isEqualTo(Origins.sha256(Origins.BIG));
        assertThat(dialer.dials()).containsOnly(new Dial("localhost", origins.httpPort()));
    }

    @Test
    void httpProxyAuthenticationAsksWith407() throws Exception {
        restartWith(new Credentials("bob", "pa55"));

        Curl.Result missing = Curl.run("-o", "/dev/null", "-w", "%{http_code}", "-x", http(), origin("/small"));
        Curl.Result ok = Curl.run("-x", http(), "-U", "bob:pa55", origin("/small"));
        Curl.Result tunnelWrong = Curl.run("-p", "-x", http(), "-U", "bob:nope", origin("/small"));

        assertThat(missing.text()).isEqualTo("407");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo(Origins.SMALL);
        assertThat(tunnelWrong.exit()).isNotZero();
        assertThat(tunnelWrong.err()).contains("407");
        assertThat(dialer.dials()).hasSize(1);
    }

    @Test
    void anExitRefusalReachesCurlAsSocksFailureAnd403() throws Exception {
        dialer.failWith(ExitError.FORBIDDEN_DESTINATION);

        Curl.Result viaSocks = Curl.run("--socks5-hostname", socks(), origin("/small"));
        Curl.Result viaHttp = Curl.run("-o", "/dev/null", "-w", "%{http_code}", "-x", http(), origin("/small"));
        Curl.Result viaTunnel = Curl.run("-p", "-x", http(), origin("/small"));

        assertThat(viaSocks.exit()).isEqualTo(97); // CURLE_PROXY: the SOCKS5 handshake failed
        assertThat(viaSocks.err()).contains("SOCKS5").contains("(2)"); // REP 2: not allowed by ruleset
        assertThat(viaHttp.text()).isEqualTo("403");
        assertThat(viaTunnel.exit()).isNotZero();
        assertThat(viaTunnel.err()).contains("403");
        assertThat(proxy.stats().failed(ExitError.FORBIDDEN_DESTINATION)).isEqualTo(3);
        assertThat(proxy.stats().flowsOpened()).isZero();
    }
}
