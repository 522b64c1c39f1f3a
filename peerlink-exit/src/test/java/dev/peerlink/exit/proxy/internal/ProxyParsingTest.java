package dev.peerlink.exit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.exit.proxy.LocalProxy.Credentials;
import dev.peerlink.exit.proxy.internal.Destinations.SocksAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The proxy's small parsers: HTTP targets, the origin-form rewrite, bound addresses, UDP headers, credentials. */
class ProxyParsingTest {
    @Test
    void absoluteFormTargetsGiveHostPortOriginFormAndHost() {
        assertThat(HttpTarget.absolute("http://example.com/a/b?x=1#frag"))
                .isEqualTo(new HttpTarget("example.com", 80, "/a/b?x=1", "example.com"));
        assertThat(HttpTarget.absolute("HTTP://user:pw@example.com:8080"))
                .isEqualTo(new HttpTarget("example.com", 8080, "/", "example.com:8080"));
        assertThat(HttpTarget.absolute("http://[2001:db8::1]:81/p"))
                .isEqualTo(new HttpTarget("2001:db8::1", 81, "/p", "[2001:db8::1]:81"));
        assertThat(HttpTarget.absolute("http://under_score.local/")).extracting(HttpTarget::host).isEqualTo("under_score.local");
    }

    @Test
    void badAbsoluteFormTargetsAreRefused() {
        assertThat(HttpTarget.absolute("https://example.com/")).isNull();
        assertThat(HttpTarget.absolute("http:///nohost")).isNull();
        assertThat(HttpTarget.absolute("http://example.com:0/")).isNull();
        assertThat(HttpTarget.absolute("http://example.com:65536/")).isNull();
        assertThat(HttpTarget.absolute("http://exa mple.com/")).isNull();
        assertThat(HttpTarget.absolute("http://bad!name/")).isNull();
    }

    @Test
    void connectAuthoritiesNeedAPort() {
        assertThat(HttpTarget.authority("example.com:443")).isEqualTo(new HttpTarget("example.com", 443, null, null));
        assertThat(HttpTarget.authority("[::1]:22")).extracting(HttpTarget::host, HttpTarget::port).containsExactly("::1", 22);
        assertThat(HttpTarget.authority("example.com")).isNull();
        assertThat(HttpTarget.authority("example.com:")).isNull();
        assertThat(HttpTarget.authority("::1:22")).isNull();
        assertThat(HttpTarget.authority("example.com:+443")).isNull();
        assertThat(HttpTarget.authority("[::1]x:22")).isNull();
    }

    @Test
    void theOriginFormRequestLosesHopByHopHeadersButNeverItsFraming() {
        HttpRequest in = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "http://example.com/up");
        in.headers().add("Host", "elsewhere").add("Proxy-Connection", "keep-alive").add("Proxy-Authorization", "Basic eA==")
                .add("Keep-Alive", "5").add("TE", "trailers").add("Upgrade", "h2c").add("X-Hop", "1").add("X-Kept", "2")
                .add("Content-Length", "3").add("Connection", "X-Hop, Content-Length, Host");

        HttpRequest out = HttpRequestRewriter.toOrigin(in, HttpTarget.absolute(in.uri()));

        assertThat(out.uri()).isEqualTo("/up");
        assertThat(out.method()).isEqualTo(HttpMethod.POST);
        assertThat(out.headers().get("Host")).isEqualTo("example.com");
        assertThat(out.headers().get("Connection")).isEqualTo("close");
        assertThat(out.headers().get("Content-Length")).as("framing survives a Connection listing").isEqualTo("3");
        assertThat(out.headers().get("X-Kept")).isEqualTo("2");
        assertThat(out.headers().names()).doesNotContain("Proxy-Connection", "Proxy-Authorization", "Keep-Alive", "TE",
                "Upgrade", "X-Hop");
    }

    @Test
    void boundAddressesBecomeSocksAddressesOrUnspecified() {
        assertThat(Destinations.bound("203.0.113.7:40000")).isEqualTo(new SocksAddress(Socks5AddressType.IPv4, "203.0.113.7", 40000));
        assertThat(Destinations.bound("[2001:db8::2]:5")).isEqualTo(new SocksAddress(Socks5AddressType.IPv6, "2001:db8::2", 5));
        assertThat(Destinations.bound(null)).isEqualTo(SocksAddress.UNSPECIFIED);
        assertThat(Destinations.bound("host.example:80")).isEqualTo(SocksAddress.UNSPECIFIED);
        assertThat(Destinations.bound("1.2.3.4:http")).isEqualTo(SocksAddress.UNSPECIFIED);
        assertThat(Destinations.bound("1.2.3.4:70000")).isEqualTo(SocksAddress.UNSPECIFIED);
    }

    @Test
    void udpHeadersRoundTripForEveryAddressType() throws Exception {
        for (String host : new String[] {"198.51.100.9", "2001:db8::9", "dns.example"}) {
            ByteBuf b = SocksUdpHeader.encode(ByteBufAllocator.DEFAULT, host, 53, new byte[] {1, 2, 3});
            try {
                SocksUdpHeader.Datagram d = SocksUdpHeader.decode(b);
                assertThat(d.host()).isEqualTo(host);
                assertThat(d.port()).isEqualTo(53);
                assertThat(d.payload()).containsExactly(1, 2, 3);
            } finally {
                b.release();
            }
        }
    }

    @Test
    void udpFragmentsAndBrokenHeadersAreDropped() {
        assertThat(SocksUdpHeader.decode(Unpooled.wrappedBuffer(new byte[] {0, 0, 1, 1, 1, 2, 3, 4, 0, 53, 9}))).isNull();
        assertThat(SocksUdpHeader.decode(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 9, 1, 2, 3, 4, 0, 53}))).isNull();
        assertThat(SocksUdpHeader.decode(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 1, 2}))).isNull();
        assertThat(SocksUdpHeader.decode(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 3, 20, 'a'}))).isNull();
        assertThat(SocksUdpHeader.decode(Unpooled.wrappedBuffer(new byte[] {0, 0}))).isNull();
    }

    @Test
    void credentialsAreCheckedExactlyInBothForms() {
        Credentials c = new Credentials("alice", "pa:ss");
        assertThat(ProxyAuth.matches(c, "alice", "pa:ss")).isTrue();
        assertThat(ProxyAuth.matches(c, "alice", "pa:sS")).isFalse();
        assertThat(ProxyAuth.matches(c, "alic", "pa:ss")).isFalse();
        assertThat(ProxyAuth.matchesBasic(c, "Basic " + base64("alice:pa:ss"))).isTrue();
        assertThat(ProxyAuth.matchesBasic(c, "basic  " + base64("alice:pa:ss") + " ")).isTrue();
        assertThat(ProxyAuth.matchesBasic(c, "Basic " + base64("alice:wrong"))).isFalse();
        assertThat(ProxyAuth.matchesBasic(c, "Basic !!notbase64")).isFalse();
        assertThat(ProxyAuth.matchesBasic(c, "Bearer " + base64("alice:pa:ss"))).isFalse();
        assertThat(ProxyAuth.matchesBasic(c, null)).isFalse();
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
