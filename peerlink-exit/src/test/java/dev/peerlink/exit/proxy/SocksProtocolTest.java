package dev.peerlink.exit.proxy;

import static dev.peerlink.exit.proxy.SocksTestClient.greet;
import static dev.peerlink.exit.proxy.SocksTestClient.readReply;
import static dev.peerlink.exit.proxy.SocksTestClient.readToEnd;
import static dev.peerlink.exit.proxy.SocksTestClient.request;
import static dev.peerlink.exit.proxy.SocksTestClient.requestIpv4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.exit.fake.DirectDialer;
import dev.peerlink.exit.proxy.LocalProxy.Config;
import dev.peerlink.exit.proxy.LocalProxy.Limits;
import dev.peerlink.exit.wire.ExitError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SOCKS5 side byte by byte: UDP ASSOCIATE, refusals, pipelining, timeouts and limits. */
class SocksProtocolTest {
    private static final byte[] LOOPBACK = {127, 0, 0, 1};
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
        dialer = new DirectDialer();
        proxy = LocalProxy.start(Config.loopbackSocks(0), dialer);
    }

    @AfterEach
    void stop() {
        proxy.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> dialer.openFlows() == 0 && dialer.openAssociations() == 0);
    }

    private void restartWith(Limits limits) throws IOException {
        proxy.close();
        proxy = LocalProxy.start(Config.loopbackSocks(0).withLimits(limits), dialer);
    }

    @Test
    void udpAssociateRelaysDatagramsBothWaysAndEndsWithTheControlConnection() throws Exception {
        int echoPort = origins.udpEchoAddress().getPort();
        try (Socket control = SocksTestClient.open(proxy.socksAddress());
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            greet(control);
            control.getOutputStream().write(requestIpv4(3, new byte[4], 0));
            SocksTestClient.Reply reply = readReply(control.getInputStream());
            assertThat(reply.rep()).isZero();
            assertThat(reply.address()).isEqualTo("127.0.0.1");
            InetSocketAddress relay = new InetSocketAddress(reply.address(), reply.port());
            udp.setSoTimeout(3000);

            udp.send(datagram(header(0, LOOPBACK, echoPort), "fragment".getBytes(), relay)); // FRAG 1: dropped
            udp.send(datagram(header(0, LOOPBACK, echoPort), "by address".getBytes(), relay, 0));
            udp.send(datagram(domainHeader("localhost", echoPort), "by name".getBytes(), relay, 0));

            byte[] first = receive(udp);
            byte[] second = receive(udp);
            assertThat(first).isEqualTo(concat(header(0, LOOPBACK, echoPort), "by address".getBytes()));
            assertThat(second).isEqualTo(concat(header(0, LOOPBACK, echoPort), "by name".getBytes()));
            assertThat(proxy.stats().openUdpAssociations()).isEqualTo(1);
            assertThat(dialer.openAssociations()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(3)).until(() ->
                proxy.stats().openUdpAssociations() == 0 && dialer.openAssociations() == 0);
    }

    @Test
    void udpAssociateRefusedByTheExitAnswersItsReplyCode() throws Exception {
        dialer.failWith(ExitError.NOT_ADMITTED);
        try (Socket s = SocksTestClient.open(proxy.socksAddress())) {
            greet(s);
            s.getOutputStream().write(requestIpv4(3, new byte[4], 0));
            assertThat(readReply(s.getInputStream()).rep()).isEqualTo(ExitError.NOT_ADMITTED.socksReply());
            assertThat(readToEnd(s)).isEmpty();
        }
    }

    @Test
    void bindIsRefusedAsUnsupportedCommand() throws Exception {
        try (Socket s = SocksTestClient.open(proxy.socksAddress())) {
            greet(s);
            s.getOutputStream().write(request(2, "localhost", 80));
            assertThat(readReply(s.getInputStream()).rep()).isEqualTo(7);
            assertThat(readToEnd(s)).isEmpty();
        }
        assertThat(dialer.dials()).isEmpty();
    }

    @Test
    void socks4GetsASocks4RejectionThenClose() throws Exception {
        try (Socket s = SocksTestClient.open(proxy.socksAddress())) {
            s.getOutputStream().write(new byte[] {4, 1, 0, 80, 127, 0, 0, 1, 'u', 0});
            assertThat(readToEnd(s)).containsExactly(0, 0x5b, 0, 0, 0, 0, 0, 0);
        }
    }

    @Test
    void anotherVersionIsClosedWithoutReply() throws Exception {
        try (Socket s = SocksTestClient.open(proxy.socksAddress())) {
            s.getOutputStream().write(new byte[] {6, 1, 0});
            assertThat(readToEnd(s)).isEmpty();
        }
    }

    @Test
    void noAcceptableMethodIsAnsweredFF() throws Exception {
        try (Socket s = SocksTestClient.open(proxy.socksAddress())) {
            s.getOutputStream().write(new byte[] {5, 1, 2}); // offers only username/password
            assertThat(readToEnd(s)).containsExactly(5, 0xff);
        }
    }

    @Test
    void anInvalidDomainNameIsAddressUnsupported() throws Exception {
        try (Socket s = SocksTestClient.open(proxy.socksAddress())) {
            greet(s);
            s.getOutputStream().write(request(1, "not a name!", 80));
            assertThat(readReply(s.getInputStream()).rep()).isEqualTo(8);
        }
        assertThat(dialer.dials()).isEmpty();
    }

    @Test
    void pipelinedGreetingRequestAndDataAllArrive() throws Exception {
        InetSocketAddress echo = origins.echoAddress();
        byte[] payload = "sent before any reply".getBytes(StandardCharsets.US_ASCII);
        try (Socket s = SocksTestClient.open(proxy.socksAddress())) {
            s.getOutputStream().write(concat(new byte[] {5, 1, 0}, requestIpv4(1, LOOPBACK, echo.getPort()), payload));
            s.shutdownOutput();
            byte[] method = s.getInputStream().readNBytes(2);
            SocksTestClient.Reply reply = readReply(s.getInputStream());
            byte[] echoed = readToEnd(s);

            assertThat(method).containsExactly(5, 0);
            assertThat(reply.rep()).isZero();
            assertThat(reply.address()).isEqualTo("127.0.0.1"); // the dialer's socket, as the exit's bound address
            assertThat(reply.port()).isPositive();
            assertThat(echoed).isEqualTo(payload);
        }
        assertThat(dialer.dials()).containsExactly(new DirectDialer.Dial("127.0.0.1", echo.getPort()));
    }

    @Test
    void aSlowExitTimesOutWithTtlExpiredAndItsLateFlowIsClosed() throws Exception {
        restartWith(new Limits(16, Duration.ofSeconds(10), Duration.ofMillis(300), 8192));
        dialer.silent(true);
        try (Socket s = SocksTestClient.open(proxy.socksAddress())) {
            greet(s);
            s.getOutputStream().write(request(1, "localhost", origins.echoAddress().getPort()));
            assertThat(readReply(s.getInputStream()).rep()).isEqualTo(ExitError.TIMEOUT.socksReply());
        }
        dialer.answerSilentDials(origins.echoAddress());
        await().atMost(Duration.ofSeconds(3)).until(() -> dialer.openFlows() == 0);
        assertThat(proxy.stats().failed(ExitError.TIMEOUT)).isEqualTo(1);
        assertThat(proxy.stats().openFlows()).isZero();
    }

    @Test
    void aClientGoneWhileDialingHasItsFlowClosedWhenItArrives() throws Exception {
        dialer.silent(true);
        try (Socket s = SocksTestClient.open(proxy.socksAddress())) {
            greet(s);
            s.getOutputStream().write(request(1, "localhost", origins.echoAddress().getPort()));
            await().atMost(Duration.ofSeconds(3)).until(() -> dialer.dials().size() == 1);
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> proxy.stats().openConnections() == 0);
        dialer.answerSilentDials(origins.echoAddress());
        await().atMost(Duration.ofSeconds(3)).until(() -> dialer.openFlows() == 0);
        assertThat(proxy.stats().openFlows()).isZero();
    }

    @Test
    void aSilentClientIsClosedAtTheHandshakeTimeout() throws Exception {
        restartWith(new Limits(16, Duration.ofMillis(200), Duration.ofSeconds(5), 8192));
        try (Socket s = SocksTestClient.open(proxy.socksAddress())) {
            s.getOutputStream().write(new byte[] {5, 1}); // half a greeting, then nothing
            long start = System.nanoTime();
            assertThat(readToEnd(s)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedOnAccept() throws Exception {
        restartWith(new Limits(2, Duration.ofSeconds(10), Duration.ofSeconds(5), 8192));
        try (Socket a = SocksTestClient.open(proxy.socksAddress()); Socket b = SocksTestClient.open(proxy.socksAddress())) {
            greet(a);
            greet(b);
            try (Socket c = SocksTestClient.open(proxy.socksAddress())) {
                assertThat(readToEnd(c)).isEmpty(); // closed unasked
            }
            // the count drops once the proxy has processed the close, which the client may see first
            await().atMost(Duration.ofSeconds(2)).until(() -> proxy.stats().openConnections() == 2);
            a.getOutputStream().write(request(1, "localhost", origins.echoAddress().getPort()));
            assertThat(readReply(a.getInputStream()).rep()).as("an admitted client is served").isZero();
        }
    }

    @Test
    void closingTheProxyEndsTunnelsAndTheirFlows() throws Exception {
        try (Socket s = SocksTestClient.connect(proxy.socksAddress(), "localhost", origins.echoAddress().getPort())) {
            s.getOutputStream().write("x".getBytes());
            assertThat(s.getInputStream().read()).isEqualTo('x');
            assertThat(dialer.openFlows()).isEqualTo(1);

            proxy.close();

            assertThat(readToEnd(s)).isEmpty();
            assertThat(proxy.stats().openFlows()).isZero();
            await().atMost(Duration.ofSeconds(3)).until(() -> dialer.openFlows() == 0);
        }
    }

    private static byte[] header(int frag, byte[] ip, int port) {
        return ByteBuffer.allocate(10).put(new byte[] {0, 0, (byte) frag, 1}).put(ip).putShort((short) port).array();
    }

    private static byte[] domainHeader(String host, int port) {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(7 + name.length).put(new byte[] {0, 0, 0, 3, (byte) name.length}).put(name)
                .putShort((short) port).array();
    }

    /** A client datagram; {@code frag}, if given, overrides the header's FRAG (default 1: a fragment). */
    private static DatagramPacket datagram(byte[] header, byte[] payload, InetSocketAddress to, int... frag) {
        byte[] h = header.clone();
        h[2] = (byte) (frag.length == 0 ? 1 : frag[0]);
        byte[] b = concat(h, payload);
        return new DatagramPacket(b, b.length, to);
    }

    private static byte[] receive(DatagramSocket udp) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        udp.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
