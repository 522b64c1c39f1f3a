package dev.peerlink.stun.server;

import static dev.peerlink.stun.server.TestClients.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.TransactionId;
import dev.peerlink.stun.attribute.ChangeRequest;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.attribute.MappedAddress;
import dev.peerlink.stun.attribute.OtherAddress;
import dev.peerlink.stun.attribute.RawAttribute;
import dev.peerlink.stun.attribute.ResponseOrigin;
import dev.peerlink.stun.attribute.Software;
import dev.peerlink.stun.attribute.UnknownAttributes;
import dev.peerlink.stun.attribute.XorMappedAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class StunServerUdpTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private StunServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private StunServer start(StunServerConfig.Builder b) throws IOException {
        server = StunServer.start(b.build());
        return server;
    }

    private static StunServerConfig.Builder local() {
        return StunServerConfig.builder().primary(new InetSocketAddress(LOOPBACK, 0)).tcp(false).ioThreads(1);
    }

    @Test
    void bindingReturnsXorMappedAndMappedAddressOnly() throws IOException {
        start(local());
        try (var c = new TestClients.Udp(LOOPBACK)) {
            StunMessage req = StunMessage.request(StunMethod.BINDING).build();
            StunMessage resp = c.exchange(req, server.udpAddresses().get(0));

            assertThat(resp.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(resp.transactionId()).isEqualTo(req.transactionId());
            assertThat(resp.attribute(XorMappedAddress.class)).map(XorMappedAddress::address).contains(c.local());
            assertThat(resp.attribute(MappedAddress.class)).map(MappedAddress::address).contains(c.local());
            // No alternate: no RFC 5780 attributes; no SOFTWARE unless configured; no FINGERPRINT unasked.
            assertThat(resp.has(AttributeType.OTHER_ADDRESS)).isFalse();
            assertThat(resp.has(AttributeType.RESPONSE_ORIGIN)).isFalse();
            assertThat(resp.has(AttributeType.SOFTWARE)).isFalse();
            assertThat(resp.has(AttributeType.FINGERPRINT)).isFalse();
        }
        assertThat(server.stats().requests()).isEqualTo(1);
        assertThat(server.stats().responses()).isEqualTo(1);
    }

    @Test
    void softwareAndFingerprintWhenConfiguredAndAsked() throws IOException {
        start(local().software("peerlink test"));
        try (var c = new TestClients.Udp(LOOPBACK)) {
            StunMessage req = StunMessage.request(StunMethod.BINDING).build();
            c.send(StunEncoder.standard().encode(req, MessageProtection.FINGERPRINT), server.udpAddresses().get(0));
            StunMessage resp = c.receive().message(); // the decoder verifies the CRC

            assertThat(resp.attribute(Software.class)).map(Software::value).contains("peerlink test");
            assertThat(resp.has(AttributeType.FINGERPRINT)).isTrue();
        }
    }

    @Test
    void bindingOverIpv6() throws IOException {
        InetAddress v6 = InetAddress.getByName("::1");
        boolean available;
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress(v6, 0));
            available = true;
        } catch (IOException | UnsupportedOperationException e) {
            available = false;
            System.out.println("SKIP bindingOverIpv6: cannot bind ::1 (" + e + ")");
        }
        Assumptions.assumeTrue(available, "IPv6 loopback ::1 unavailable");
        server = StunServer.start(StunServerConfig.builder().primary(new InetSocketAddress(v6, 0)).ioThreads(1).build());
        try (var c = new TestClients.Udp(v6)) {
            StunMessage resp = c.exchange(StunMessage.request(StunMethod.BINDING).build(), server.udpAddresses().get(0));
            assertThat(resp.attribute(XorMappedAddress.class)).map(XorMappedAddress::address).contains(c.local());
            assertThat(resp.attribute(MappedAddress.class)).map(MappedAddress::address).contains(c.local());
            // 20 + 24 + 24 = 68 bytes for a 20-byte request: within the 64-byte allowance.
        }
        try (var t = new TestClients.Tcp(server.tcpAddresses().get(0))) {
            t.write(encode(StunMessage.request(StunMethod.BINDING).build()));
            StunMessage resp = t.read();
            assertThat(resp.attribute(XorMappedAddress.class)).map(XorMappedAddress::address)
                    .contains((InetSocketAddress) t.socket.getLocalSocketAddress());
        }
    }

    @Test
    void bindingIndicationIsAcceptedSilently() throws IOException {
        start(local());
        try (var c = new TestClients.Udp(LOOPBACK)) {
            StunMessage ind = StunMessage.builder(StunMethod.BINDING, StunClass.INDICATION, TransactionId.random()).build();
            c.send(encode(ind), server.udpAddresses().get(0));
            // A request sent after it is answered first: nothing was sent for the indication.
            StunMessage req = StunMessage.request(StunMethod.BINDING).build();
            assertThat(c.exchange(req, server.udpAddresses().get(0)).transactionId()).isEqualTo(req.transactionId());
        }
        assertThat(server.stats().indications()).isEqualTo(1);
        assertThat(server.stats().responses()).isEqualTo(1);
    }

    @Test
    void otherMethodsGet400() throws IOException {
        start(local());
        try (var c = new TestClients.Udp(LOOPBACK)) {
            StunMessage resp = c.exchange(StunMessage.request(StunMethod.ALLOCATE).build(), server.udpAddresses().get(0));
            assertThat(resp.messageClass()).isEqualTo(StunClass.ERROR_RESPONSE);
            assertThat(resp.method()).isEqualTo(StunMethod.ALLOCATE);
            assertThat(resp.attribute(ErrorCode.class)).map(ErrorCode::code).contains(400);
        }
    }

    @Test
    void registeredHandlerAnswersItsMethod() throws IOException {
        start(local().handler(StunMethod.ALLOCATE, r ->
                StunReply.of(r.message().respond(StunClass.SUCCESS_RESPONSE).build(), MessageProtection.NONE)));
        try (var c = new TestClients.Udp(LOOPBACK)) {
            StunMessage resp = c.exchange(StunMessage.request(StunMethod.ALLOCATE).build(), server.udpAddresses().get(0));
            assertThat(resp.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        }
    }

    @Test
    void unknownComprehensionRequiredAttributesGet420() throws IOException {
        start(local());
        try (var c = new TestClients.Udp(LOOPBACK)) {
            StunMessage req = StunMessage.request(StunMethod.BINDING)
                    .add(new RawAttribute(0x7F01, new byte[4]))
                    .add(new RawAttribute(0xC001, new byte[4])) // comprehension-optional: ignored
                    .add(new RawAttribute(0x0024, new byte[4])) // PRIORITY: ICE, not for a STUN server
                    .build();
            StunMessage resp = c.exchange(req, server.udpAddresses().get(0));
            assertThat(resp.attribute(ErrorCode.class)).map(ErrorCode::code).contains(420);
            assertThat(resp.attribute(UnknownAttributes.class)).map(UnknownAttributes::types)
                    .contains(List.of(0x7F01, 0x0024));
        }
    }

    @Test
    void unknownComprehensionOptionalAttributesAreIgnored() throws IOException {
        start(local());
        try (var c = new TestClients.Udp(LOOPBACK)) {
            StunMessage req = StunMessage.request(StunMethod.BINDING).add(new RawAttribute(0xC001, new byte[8])).build();
            assertThat(c.exchange(req, server.udpAddresses().get(0)).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        }
    }

    @Test
    void changeRequestWithoutAlternateGets420() throws IOException {
        start(local());
        try (var c = new TestClients.Udp(LOOPBACK)) {
            for (boolean ip : new boolean[] {false, true}) {
                StunMessage req = StunMessage.request(StunMethod.BINDING).add(new ChangeRequest(ip, !ip)).build();
                StunMessage resp = c.exchange(req, server.udpAddresses().get(0));
                assertThat(resp.attribute(ErrorCode.class)).map(ErrorCode::code).contains(420);
                assertThat(resp.attribute(UnknownAttributes.class)).map(UnknownAttributes::types)
                        .contains(List.of(AttributeType.CHANGE_REQUEST));
            }
        }
    }

    @Test
    void garbageIsIgnoredAndCounted() throws IOException {
        start(local());
        InetSocketAddress to = server.udpAddresses().get(0);
        byte[] valid = encode(StunMessage.request(StunMethod.BINDING).build());
        byte[] badCookie = valid.clone();
        badCookie[4] ^= 1;
        badCookie[1] = 0x11; // a Binding indication: without the cookie not even RFC 3489 (no indications there)
        byte[] badLength = Arrays.copyOf(valid, 24); // says 0 attribute bytes, carries 4
        byte[] overrun = encode(StunMessage.request(StunMethod.BINDING).add(new RawAttribute(0xC001, new byte[8])).build());
        overrun[23] = 100; // attribute length runs past the end
        byte[] response = encode(StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, TransactionId.random()).build());
        byte[] badFingerprint = StunEncoder.standard().encode(StunMessage.request(StunMethod.BINDING).build(), MessageProtection.FINGERPRINT);
        badFingerprint[badFingerprint.length - 1] ^= 1;
        List<byte[]> garbage = List.of(new byte[0], new byte[] {1, 2, 3}, "GET / HTTP/1.1\r\n\r\n".getBytes(),
                new byte[1200], badCookie, badLength, overrun, response, badFingerprint, new byte[5000]);
        try (var c = new TestClients.Udp(LOOPBACK)) {
            for (byte[] g : garbage) {
                c.send(g, to);
            }
            StunMessage req = StunMessage.request(StunMethod.BINDING).build();
            c.send(encode(req), to);
            // The first reply is the valid request's: no garbage was answered.
            assertThat(c.receive().message().transactionId()).isEqualTo(req.transactionId());
            assertThat(c.receiveWithin(200)).isNull();
        }
        // The empty datagram and the 5000-byte one may be dropped by the socket layer before the
        // server sees them (truncation, zero length); everything else must be counted.
        await().untilAsserted(() -> assertThat(server.stats().droppedGarbage()).isGreaterThanOrEqualTo(garbage.size() - 2));
        assertThat(server.stats().responses()).isEqualTo(1);
    }

    @Test
    void responsesNeverExceedRequestPlusAllowance() throws IOException {
        // 200 bytes of SOFTWARE cannot ride on a 20-byte request, but can on a large one.
        String longSoftware = "x".repeat(200);
        start(local().software(longSoftware));
        try (var c = new TestClients.Udp(LOOPBACK)) {
            byte[] small = encode(StunMessage.request(StunMethod.BINDING).build());
            c.send(small, server.udpAddresses().get(0));
            var r = c.receive();
            assertThat(r.bytes().length).isLessThanOrEqualTo(small.length + 64);
            assertThat(r.message().has(AttributeType.SOFTWARE)).isFalse();
            assertThat(r.message().has(AttributeType.XOR_MAPPED_ADDRESS)).isTrue();

            byte[] large = encode(StunMessage.request(StunMethod.BINDING).add(new RawAttribute(0xC001, new byte[300])).build());
            c.send(large, server.udpAddresses().get(0));
            r = c.receive();
            assertThat(r.bytes().length).isLessThanOrEqualTo(large.length + 64);
            assertThat(r.message().attribute(Software.class)).map(Software::value).contains(longSoftware);
        }
    }

    @Test
    void repliesThatWouldAmplifyAreNotSent() throws IOException {
        start(local().handler(StunMethod.of(0x0FF), r -> StunReply.of(
                r.message().respond(StunClass.SUCCESS_RESPONSE).add(new RawAttribute(0xC002, new byte[500])).build(),
                MessageProtection.NONE)));
        try (var c = new TestClients.Udp(LOOPBACK)) {
            c.send(encode(StunMessage.request(StunMethod.of(0x0FF)).build()), server.udpAddresses().get(0));
            assertThat(c.receiveWithin(300)).isNull();
        }
        assertThat(server.stats().amplificationRefused()).isEqualTo(1);
        assertThat(server.stats().responses()).isZero();
    }

    @Test
    void rfc5780AnswerToABareRequestKeepsEverythingThatFits() throws IOException {
        // IPv4 with an alternate: XOR-MAPPED, MAPPED, RESPONSE-ORIGIN, OTHER-ADDRESS = 20 + 4 * 12 = 68 bytes;
        // SOFTWARE "peerlink" adds 12 (80 <= 20 + 64); a 20-byte SOFTWARE adds 24 (92) and is dropped.
        InetAddress alt = InetAddress.getByName("127.0.0.2");
        for (String software : List.of("peerlink", "peerlink-stun-server")) {
            try (StunServer s = StunServer.start(local().alternate(new InetSocketAddress(alt, 0)).software(software).build());
                 var c = new TestClients.Udp(LOOPBACK)) {
                byte[] small = encode(StunMessage.request(StunMethod.BINDING).build());
                c.send(small, s.udpAddresses().get(0));
                var r = c.receive();
                assertThat(r.bytes().length).isLessThanOrEqualTo(small.length + 64);
                StunMessage m = r.message();
                assertThat(m.attribute(OtherAddress.class)).isPresent();
                assertThat(m.attribute(ResponseOrigin.class)).isPresent();
                assertThat(m.has(AttributeType.MAPPED_ADDRESS)).isTrue();
                assertThat(m.has(AttributeType.SOFTWARE)).isEqualTo(software.length() == 8);
            }
        }
    }
}
