package dev.peerlink.stun.server;

import static dev.peerlink.stun.server.TestClients.encode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.ChangeRequest;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.attribute.OtherAddress;
import dev.peerlink.stun.attribute.Padding;
import dev.peerlink.stun.attribute.ResponseOrigin;
import dev.peerlink.stun.attribute.ResponsePort;
import dev.peerlink.stun.attribute.XorMappedAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** NAT behaviour discovery support (RFC 5780) with primary 127.0.0.1 and alternate 127.0.0.2. */
class Rfc5780Test {
    private static final InetAddress A1 = InetAddress.getLoopbackAddress();
    private static InetAddress a2;
    private static StunServer server;
    private static List<InetSocketAddress> sockets; // A1:P1, A1:P2, A2:P1, A2:P2

    @BeforeAll
    static void start() throws IOException {
        a2 = InetAddress.getByName("127.0.0.2");
        server = StunServer.start(StunServerConfig.builder()
                .primary(new InetSocketAddress(A1, 0))
                .alternate(new InetSocketAddress(a2, 0))
                .ioThreads(1)
                .build());
        sockets = server.udpAddresses();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void fourSocketsOnTwoAddressesAndTwoPorts() {
        assertThat(sockets).hasSize(4);
        int p1 = sockets.get(0).getPort();
        int p2 = sockets.get(1).getPort();
        assertThat(p1).isNotEqualTo(p2).isNotZero();
        assertThat(sockets).containsExactly(
                new InetSocketAddress(A1, p1), new InetSocketAddress(A1, p2),
                new InetSocketAddress(a2, p1), new InetSocketAddress(a2, p2));
        assertThat(server.tcpAddresses()).containsExactlyElementsOf(sockets);
    }

    /** RFC 5780 §6.1 table: the reply comes from the changed socket; OTHER-ADDRESS is fixed by the receiving one. */
    @ParameterizedTest(name = "to socket {0}, changeIp={1} changePort={2} -> from socket {3}")
    @CsvSource({
            "0, false, false, 0",
            "0, true,  false, 2",
            "0, false, true,  1",
            "0, true,  true,  3",
            "3, false, false, 3",
            "3, true,  true,  0",
            "1, true,  false, 3",
            "2, false, true,  3",
    })
    void changeRequest(int to, boolean changeIp, boolean changePort, int from) throws IOException {
        try (var c = new TestClients.Udp(A1)) {
            StunMessage req = StunMessage.request(StunMethod.BINDING).add(new ChangeRequest(changeIp, changePort)).build();
            c.send(encode(req), sockets.get(to));
            var r = c.receive();
            StunMessage resp = r.message();

            assertThat(resp.transactionId()).isEqualTo(req.transactionId());
            assertThat(r.from()).isEqualTo(sockets.get(from));
            assertThat(resp.attribute(ResponseOrigin.class)).map(ResponseOrigin::address).contains(sockets.get(from));
            assertThat(resp.attribute(OtherAddress.class)).map(OtherAddress::address).contains(sockets.get(to ^ 3));
            assertThat(resp.attribute(XorMappedAddress.class)).map(XorMappedAddress::address).contains(c.local());
        }
    }

    @Test
    void responsePortRedirectsTheReplyToAnotherClientPort() throws IOException {
        try (var c = new TestClients.Udp(A1); var other = new TestClients.Udp(A1)) {
            StunMessage req = StunMessage.request(StunMethod.BINDING).add(new ResponsePort(other.local().getPort())).build();
            c.send(encode(req), sockets.get(0));
            var r = other.receive();
            assertThat(r.message().transactionId()).isEqualTo(req.transactionId());
            // The mapped address is still where the request came from.
            assertThat(r.message().attribute(XorMappedAddress.class)).map(XorMappedAddress::address).contains(c.local());
            assertThat(c.receiveWithin(200)).isNull();
        }
    }

    @Test
    void responsePortWithChangeRequest() throws IOException {
        try (var c = new TestClients.Udp(A1); var other = new TestClients.Udp(A1)) {
            StunMessage req = StunMessage.request(StunMethod.BINDING)
                    .add(new ChangeRequest(true, true)).add(new ResponsePort(other.local().getPort())).build();
            c.send(encode(req), sockets.get(0));
            var r = other.receive();
            assertThat(r.from()).isEqualTo(sockets.get(3));
        }
    }

    @Test
    void paddingMakesTheResponseAsLargeAsTheRequest() throws IOException {
        try (var c = new TestClients.Udp(A1)) {
            byte[] req = encode(StunMessage.request(StunMethod.BINDING).add(new Padding(1400)).build());
            c.send(req, sockets.get(0));
            var r = c.receive();
            assertThat(r.message().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(r.message().has(AttributeType.PADDING)).isTrue();
            assertThat(r.bytes().length).isEqualTo(req.length);
        }
    }

    @Test
    void smallPaddingStillComesBack() throws IOException {
        try (var c = new TestClients.Udp(A1)) {
            byte[] req = encode(StunMessage.request(StunMethod.BINDING).add(new Padding(0)).build());
            c.send(req, sockets.get(0));
            var r = c.receive();
            assertThat(r.message().attribute(Padding.class)).isPresent();
            assertThat(r.bytes().length).isLessThanOrEqualTo(req.length + 64);
        }
    }

    @Test
    void paddingWithResponsePortIs400() throws IOException {
        try (var c = new TestClients.Udp(A1)) {
            StunMessage req = StunMessage.request(StunMethod.BINDING)
                    .add(new Padding(100)).add(new ResponsePort(c.local().getPort())).build();
            StunMessage resp = c.exchange(req, sockets.get(0));
            assertThat(resp.attribute(ErrorCode.class)).map(ErrorCode::code).contains(400);
        }
    }

    @Test
    void changeRequestOverTcpIs400() throws IOException {
        try (var t = new TestClients.Tcp(server.tcpAddresses().get(0))) {
            t.write(encode(StunMessage.request(StunMethod.BINDING).add(new ChangeRequest(true, false)).build()));
            assertThat(t.read().attribute(ErrorCode.class)).map(ErrorCode::code).contains(400);
            // Flags both off is just a Binding request.
            t.write(encode(StunMessage.request(StunMethod.BINDING).add(new ChangeRequest(false, false)).build()));
            StunMessage ok = t.read();
            assertThat(ok.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(ok.attribute(OtherAddress.class)).map(OtherAddress::address).contains(sockets.get(3));
        }
    }
}
