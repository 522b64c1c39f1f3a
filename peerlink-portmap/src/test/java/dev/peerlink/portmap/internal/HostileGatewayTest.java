package dev.peerlink.portmap.internal;

import static dev.peerlink.portmap.internal.FakeHttpServer.description;
import static dev.peerlink.portmap.internal.FakeHttpServer.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapException.Kind;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A hostile or broken gateway HTTP server: every case must end in a typed {@link PortMapException} within the
 * configured deadline — no hang, no OutOfMemoryError, no file read through an external entity.
 */
class HostileGatewayTest {
    static final HttpLite.Limits LIMITS = new HttpLite.Limits(Duration.ofSeconds(1), Duration.ofMillis(1500), 64 * 1024);

    static PortMapException fetch(FakeHttpServer.Handler h) throws Exception {
        try (FakeHttpServer s = new FakeHttpServer(h)) {
            URI u = s.uri("/rootDesc.xml");
            long t0 = System.nanoTime();
            PortMapException e = org.junit.jupiter.api.Assertions.assertThrows(PortMapException.class,
                    () -> UpnpClient.fromLocation(u, LIMITS));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("failed within the deadline").isLessThan(3000);
            return e;
        }
    }

    static FakeHttpServer.Handler body(String xml) {
        return (r, out, s) -> respond(out, 200, xml);
    }

    @Test
    void externalEntityIsRejectedNotResolved() throws Exception {
        PortMapException e = fetch(body("""
                <?xml version="1.0"?>
                <!DOCTYPE root [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <root><URLBase>&xxe;</URLBase></root>
                """));
        assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
        assertThat(e.getMessage()).doesNotContain("root:x:0");
    }

    @Test
    void billionLaughsIsRejected() throws Exception {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            x.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">\n");
        }
        x.append("]>\n<root>&lol9;</root>");
        assertThat(fetch(body(x.toString())).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void malformedXml() throws Exception {
        assertThat(fetch(body("<root><device><serviceList></root>")).kind()).isEqualTo(Kind.MALFORMED);
        assertThat(fetch(body("not xml at all")).kind()).isEqualTo(Kind.MALFORMED);
        assertThat(fetch(body("<root></root>")).getMessage()).contains("no WANIPConnection");
    }

    @Test
    void deepNesting() throws Exception {
        String deep = "<root>" + "<a>".repeat(1000) + "</a>".repeat(1000) + "</root>";
        assertThat(fetch(body(deep)).getMessage()).contains("nesting");
    }

    @Test
    void hugeBodiesAreCutOff() throws Exception {
        // Announced: refused before reading.
        assertThat(fetch((r, out, s) -> out.write("HTTP/1.1 200 OK\r\nContent-Length: 2000000000\r\n\r\n<root>"
                .getBytes(StandardCharsets.US_ASCII))).getMessage()).contains("limit");
        // Unannounced (read until close) and chunked: cut at the cap while streaming.
        FakeHttpServer.Handler flood = (r, out, s) -> {
            out.write("HTTP/1.1 200 OK\r\n\r\n<root>".getBytes(StandardCharsets.US_ASCII));
            byte[] junk = "<x>".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 10_000; i++) {
                out.write(junk);
            }
        };
        assertThat(fetch(flood).getMessage()).contains("limit");
        FakeHttpServer.Handler chunks = (r, out, s) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 10_000; i++) {
                out.write("400\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[0x400]);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        };
        assertThat(fetch(chunks).kind()).isEqualTo(Kind.MALFORMED);
        FakeHttpServer.Handler headers = (r, out, s) -> {
            out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 10_000; i++) {
                out.write("X-Junk: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        };
        assertThat(fetch(headers).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void hangingAndDrippingServersTimeOut() throws Exception {
        // A gateway that accepts and never answers: blocks until the client gives up and the test ends.
        assertThat(fetch((r, out, s) -> new java.util.concurrent.CountDownLatch(1).await()).kind()).isEqualTo(Kind.TIMEOUT);
        FakeHttpServer.Handler drip = (r, out, s) -> {
            byte[] b = ("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "<".repeat(100000)).getBytes(StandardCharsets.US_ASCII);
            for (byte x : b) {
                out.write(x);
                out.flush();
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L); // a slow-drip gateway: each read is "fast", only the overall deadline stops it
            }
        };
        assertThat(fetch(drip).kind()).isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void garbageStatusLineAndEarlyClose() throws Exception {
        assertThat(fetch((r, out, s) -> out.write("SSH-2.0-OpenSSH\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).kind())
                .isEqualTo(Kind.MALFORMED);
        assertThat(fetch((r, out, s) -> out.write("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n<root>"
                .getBytes(StandardCharsets.US_ASCII))).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void controlUrlOnAnotherHostIsRefused() throws Exception {
        assertThat(fetch(body(description(IgdDescription.WAN_IP_1, "http://192.0.2.1/ctl"))).getMessage())
                .contains("differs");
    }

    @Test
    void soapErrorsAndGarbageAnswersAreTyped() throws Exception {
        String svc = IgdDescription.WAN_IP_1;
        try (FakeHttpServer s = new FakeHttpServer((r, out, sock) -> {
            switch (r.soapAction()) {
                case "GetExternalIPAddress" -> respond(out, 200, FakeHttpServer.soapResponse(r.soapAction(), svc,
                        "<NewExternalIPAddress>not-an-ip</NewExternalIPAddress>"));
                case "DeletePortMapping" -> respond(out, 500, FakeHttpServer.soapError(714, "NoSuchEntryInArray"));
                case "AddPortMapping" -> respond(out, 500, "<html>oops</html>");
                default -> respond(out, 200, "<s:Envelope xmlns:s=\"x\"><s:Body/></s:Envelope>");
            }
        })) {
            UpnpClient c = new UpnpClient(new IgdDescription.Service(svc, s.uri("/ctl")), LIMITS);
            assertThatThrownBy(c::externalAddress).isInstanceOfSatisfying(PortMapException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED));
            assertThatThrownBy(() -> c.deletePortMapping(dev.peerlink.portmap.Transport.UDP, 1))
                    .isInstanceOfSatisfying(PortMapException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.REFUSED);
                        assertThat(e.code()).hasValue(714);
                    });
            assertThatThrownBy(() -> c.addPortMapping(dev.peerlink.portmap.Transport.UDP, 1, java.net.InetAddress.getLoopbackAddress(),
                    1, "x", 0)).isInstanceOfSatisfying(PortMapException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REFUSED));
            assertThatThrownBy(() -> c.call("GetStatusInfo", Map.of())).isInstanceOfSatisfying(PortMapException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED));
        }
    }

    @Test
    void unreachableGatewayIsUnavailable() {
        assertThatThrownBy(() -> HttpLite.get(URI.create("http://127.0.0.1:1/rootDesc.xml"), LIMITS))
                .isInstanceOfSatisfying(PortMapException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    }

    @SuppressWarnings("unused")
    private static void unused(OutputStream o) {
    }
}
