package dev.peerlink.stun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.stun.AttributeRegistry;
import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.TransactionId;
import dev.peerlink.stun.attribute.ChangeRequest;
import dev.peerlink.stun.attribute.ChangedAddress;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.attribute.MappedAddress;
import dev.peerlink.stun.attribute.SourceAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 3489 Binding requests (no magic cookie) answered as RFC 8489 §12 allows, with and without an alternate. */
class ClassicStunServerTest {
    private static final InetAddress A1 = InetAddress.getLoopbackAddress();
    private static final StunDecoder CLASSIC = StunDecoder.classicTolerant(AttributeRegistry.standard());
    private static final int ID_PREFIX = 0x01A2B3C4;

    private static byte[] classicRequest(TransactionId id, ChangeRequest change) {
        StunMessage.Builder b = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST, id).classic(ID_PREFIX);
        if (change != null) {
            b.add(change);
        }
        return StunEncoder.standard().encode(b.build(), MessageProtection.NONE);
    }

    private static StunMessage decodeClassic(TestClients.Received r) throws Exception {
        StunMessage m = CLASSIC.decode(r.bytes());
        assertThat(m.isClassic()).as("response echoes the 128-bit transaction ID").isTrue();
        assertThat(m.cookie()).isEqualTo(ID_PREFIX);
        return m;
    }

    private static StunServer start(boolean alternate, boolean classic) throws IOException {
        StunServerConfig.Builder b = StunServerConfig.builder().primary(new InetSocketAddress(A1, 0)).ioThreads(1)
                .software("peerlink").classic(classic);
        if (alternate) {
            b.alternate(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
        }
        return StunServer.start(b.build());
    }

    /** RFC 3489 §8.1 with RFC 5780's socket table: the reply leaves from the changed socket and says so. */
    @ParameterizedTest(name = "to socket {0}, changeIp={1} changePort={2} -> from socket {3}")
    @CsvSource({"0, false, false, 0", "0, true, true, 3", "0, false, true, 1", "0, true, false, 2", "3, false, false, 3"})
    void answersWithMappedSourceAndChangedAddress(int to, boolean changeIp, boolean changePort, int from) throws Exception {
        try (StunServer server = start(true, true); var c = new TestClients.Udp(A1)) {
            List<InetSocketAddress> sockets = server.udpAddresses();
            TransactionId id = TransactionId.random();
            c.send(classicRequest(id, new ChangeRequest(changeIp, changePort)), sockets.get(to));
            var r = c.receive();
            StunMessage m = decodeClassic(r);
            assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(m.transactionId()).isEqualTo(id);
            assertThat(r.from()).isEqualTo(sockets.get(from));
            assertThat(m.attribute(MappedAddress.class)).map(MappedAddress::address).contains(c.local());
            assertThat(m.attribute(SourceAddress.class)).map(SourceAddress::address).contains(sockets.get(from));
            assertThat(m.attribute(ChangedAddress.class)).map(ChangedAddress::address).contains(sockets.get(to ^ 3));
            // An RFC 3489 client cannot read the post-3489 comprehension-required attributes.
            assertThat(m.has(AttributeType.XOR_MAPPED_ADDRESS)).isFalse();
        }
    }

    @Test
    void withoutAnAlternateOnlyMappedAddressAndAChangeIs420() throws Exception {
        try (StunServer server = start(false, true); var c = new TestClients.Udp(A1)) {
            InetSocketAddress s = server.udpAddresses().get(0);
            // stund puts CHANGE-REQUEST with no flags in every request: that is a plain Binding request.
            c.send(classicRequest(TransactionId.random(), new ChangeRequest(false, false)), s);
            StunMessage ok = decodeClassic(c.receive());
            assertThat(ok.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(ok.attribute(MappedAddress.class)).map(MappedAddress::address).contains(c.local());
            assertThat(ok.has(AttributeType.SOURCE_ADDRESS) || ok.has(AttributeType.CHANGED_ADDRESS)).isFalse();
            c.send(classicRequest(TransactionId.random(), new ChangeRequest(true, false)), s);
            StunMessage err = decodeClassic(c.receive());
            assertThat(err.attribute(ErrorCode.class)).map(ErrorCode::code).contains(420);
        }
    }

    @Test
    void switchedOffTheServerStaysSilent() throws Exception {
        try (StunServer server = start(true, false); var c = new TestClients.Udp(A1)) {
            InetSocketAddress s = server.udpAddresses().get(0);
            c.send(classicRequest(TransactionId.random(), null), s);
            StunMessage modern = StunMessage.request(StunMethod.BINDING).build();
            c.send(TestClients.encode(modern), s);
            // Loopback keeps order: the first reply is the modern one, so the classic request got none.
            assertThat(c.receive().message().transactionId()).isEqualTo(modern.transactionId());
            assertThat(server.stats().droppedGarbage()).isEqualTo(1);
        }
    }

    @Test
    void classicOverTcpIsNotStun() throws Exception {
        try (StunServer server = start(false, true); var t = new TestClients.Tcp(server.tcpAddresses().get(0))) {
            t.write(classicRequest(TransactionId.random(), null));
            assertThat(t.closedByServer()).isTrue();
        }
    }
}
