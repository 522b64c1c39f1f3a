package dev.peerlink.turn.server;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.peerlink.stun.attribute.UnknownAttributes;
import dev.peerlink.turn.TurnAttributes;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relay's own Binding answers RFC 3489 clients (no magic cookie) with MAPPED-ADDRESS, unless switched off. */
class ClassicBindingTest {
    private static final int ID_PREFIX = 0x0BADF00D;

    private static byte[] classicRequest(TransactionId id) {
        return classicRequest(id, null);
    }

    private static byte[] classicRequest(TransactionId id, ChangeRequest change) {
        StunMessage.Builder b = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST, id).classic(ID_PREFIX);
        if (change != null) {
            b.add(change);
        }
        return StunEncoder.standard().encode(b.build(), MessageProtection.NONE);
    }

    private static StunMessage receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return TurnAttributes.CLASSIC_DECODER.decode(Arrays.copyOf(buf, p.getLength()));
    }

    @Test
    void classicBindingGetsMappedAddress() throws Exception {
        try (TurnServer server = TestServers.start();
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(TestServers.LOOPBACK, 0))) {
            s.setSoTimeout(3000);
            TransactionId id = TransactionId.random();
            byte[] req = classicRequest(id);
            s.send(new DatagramPacket(req, req.length, server.udpAddress()));
            StunMessage resp = receive(s);
            assertThat(resp.isClassic()).isTrue();
            assertThat(resp.cookie()).isEqualTo(ID_PREFIX);
            assertThat(resp.transactionId()).isEqualTo(id);
            assertThat(resp.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(resp.attribute(MappedAddress.class)).map(MappedAddress::address).contains((InetSocketAddress) s.getLocalSocketAddress());
            assertThat(resp.has(AttributeType.XOR_MAPPED_ADDRESS)).isFalse();
        }
    }

    /** stund puts CHANGE-REQUEST in every request; the relay has no alternate, so only a real change is refused. */
    @Test
    void changeRequestIs420UnlessItAsksForNothing() throws Exception {
        try (TurnServer server = TestServers.start();
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(TestServers.LOOPBACK, 0))) {
            s.setSoTimeout(3000);
            byte[] none = classicRequest(TransactionId.random(), new ChangeRequest(false, false));
            s.send(new DatagramPacket(none, none.length, server.udpAddress()));
            assertThat(receive(s).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            byte[] change = classicRequest(TransactionId.random(), new ChangeRequest(true, true));
            s.send(new DatagramPacket(change, change.length, server.udpAddress()));
            StunMessage refused = receive(s);
            assertThat(refused.attribute(ErrorCode.class)).map(ErrorCode::code).contains(420);
            assertThat(refused.attribute(UnknownAttributes.class)).map(UnknownAttributes::types)
                    .contains(List.of(AttributeType.CHANGE_REQUEST));
        }
    }

    @Test
    void switchedOffItIsIgnored() throws Exception {
        try (TurnServer server = TestServers.start(b -> b.classicStun(false));
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(TestServers.LOOPBACK, 0))) {
            s.setSoTimeout(3000);
            byte[] classic = classicRequest(TransactionId.random());
            s.send(new DatagramPacket(classic, classic.length, server.udpAddress()));
            StunMessage modern = StunMessage.request(StunMethod.BINDING).build();
            byte[] m = StunEncoder.standard().encode(modern);
            s.send(new DatagramPacket(m, m.length, server.udpAddress()));
            // Loopback keeps order: the first answer is to the modern request, so the classic one got none.
            StunMessage resp = receive(s);
            assertThat(resp.isClassic()).isFalse();
            assertThat(resp.transactionId()).isEqualTo(modern.transactionId());
            assertThat(server.stats().refusals(Refusal.GARBAGE)).isEqualTo(1);
        }
    }
}
