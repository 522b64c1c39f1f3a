package dev.peerlink.turn.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.TransactionId;
import dev.peerlink.stun.attribute.XorMappedAddress;
import dev.peerlink.stun.server.Transport;
import dev.peerlink.turn.server.Refusal;
import dev.peerlink.turn.server.TurnServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The DTLS listener against a JDK DTLS client through an EmbeddedChannel: the stateless cookie round, STUN over the
 * association, and hostile input (garbage, records before the handshake, forged and replayed cookies, the cap,
 * handshakes that never finish, DTLS 1.0). Time is the test's clock, so timeouts need no waiting.
 */
class DtlsListenerHandlerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final InetSocketAddress SERVER = new InetSocketAddress(LOOPBACK, 5349);
    private static final long HANDSHAKE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    private static final long IDLE_TIMEOUT = TimeUnit.SECONDS.toNanos(120);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Counters counters = new Counters();
    private TurnEngine engine;
    private DtlsListenerHandler handler;
    private EmbeddedChannel channel;

    private void start(int maxAssociations) throws Exception {
        TurnServerConfig config = TurnServerConfig.builder().listen(new InetSocketAddress(LOOPBACK, 0)).relayIp(LOOPBACK)
                .realm("dtls.test").user("u", "p").build();
        engine = new TurnEngine(config, TurnTransport.choose(Transport.NIO), counters);
        handler = new DtlsListenerHandler(engine, DtlsContexts.server(Optional.empty(), Optional.empty()), counters,
                maxAssociations, HANDSHAKE_TIMEOUT, IDLE_TIMEOUT, now::get);
        channel = new EmbeddedChannel(handler);
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.finishAndReleaseAll();
            engine.shutdown();
        }
    }

    private static InetSocketAddress source(int port) {
        return new InetSocketAddress(LOOPBACK, port);
    }

    private void send(ByteBuf datagram, InetSocketAddress from) {
        channel.writeInbound(new DatagramPacket(datagram, SERVER, from));
    }

    /** Everything the server sent since the last call, all to {@code to}. */
    private List<ByteBuf> replies(InetSocketAddress to) {
        List<ByteBuf> out = new ArrayList<>();
        DatagramPacket p;
        while ((p = channel.readOutbound()) != null) {
            assertThat(p.recipient()).isEqualTo(to);
            out.add(p.content());
        }
        return out;
    }

    /** Runs the handshake to the end. */
    private void handshake(DtlsTestClient client, InetSocketAddress from) throws Exception {
        for (int round = 0; round < 6 && !client.established(); round++) {
            for (ByteBuf d : client.flight()) {
                send(d, from);
            }
            for (ByteBuf r : replies(from)) {
                client.receive(r);
                r.release();
            }
        }
        assertThat(client.established()).as("handshake finished").isTrue();
    }

    private StunMessage binding(DtlsTestClient client, InetSocketAddress from) throws Exception {
        StunMessage request = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random()).build();
        send(client.seal(StunEncoder.standard().encode(request)), from);
        List<ByteBuf> replies = replies(from);
        assertThat(replies).hasSize(1); // one record, one message
        List<ByteBuf> messages = client.receive(replies.get(0));
        assertThat(messages).hasSize(1);
        byte[] bytes = new byte[messages.get(0).readableBytes()];
        messages.get(0).readBytes(bytes);
        return StunDecoder.standard().decode(bytes);
    }

    @Test
    void stunOverAnEstablishedAssociationAfterOneCookieRound() throws Exception {
        start(10);
        DtlsTestClient client = new DtlsTestClient();
        InetSocketAddress from = source(40000);
        handshake(client, from);
        StunMessage response = binding(client, from);
        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(response.attribute(XorMappedAddress.class).orElseThrow().address()).isEqualTo(from);
        assertThat(handler.associations()).isEqualTo(1);
        assertThat(counters.snapshot().refusals(Refusal.DTLS_HELLO_VERIFY)).isEqualTo(1);
        assertThat(counters.snapshot().refusals(Refusal.DTLS_HANDSHAKE_FAILED)).isZero();
    }

    @Test
    void forgedRecordsFromAnEstablishedClientsAddressDoNotEndItsAssociation() throws Exception {
        start(10);
        DtlsTestClient client = new DtlsTestClient();
        InetSocketAddress from = source(40010);
        handshake(client, from);
        ByteBuf genuine = client.seal(new byte[] {1, 2, 3, 4});
        byte[] forged = new byte[genuine.readableBytes()];
        genuine.getBytes(0, forged);
        genuine.release();
        forged[forged.length - 1] ^= 1; // a bit flipped in the AEAD tag: the record does not authenticate
        send(Unpooled.wrappedBuffer(forged), from);
        send(Unpooled.wrappedBuffer(new byte[] {23, (byte) 0xFE, (byte) 0xFD, 0, 1, 0, 0, 0, 0, 0, 99, 0, 3, 1, 2, 3}), from);
        send(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, 0, 0}), from);
        assertThat(replies(from)).isEmpty();
        assertThat(handler.associations()).isEqualTo(1);
        assertThat(binding(client, from).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
    }

    @Test
    void firstClientHellosKeepNoStateWhateverTheirSource() throws Exception {
        start(10);
        ByteBuf hello = new DtlsTestClient().flight().get(0);
        for (int port = 1; port <= 500; port++) {
            send(hello.retainedDuplicate(), source(port));
            List<ByteBuf> r = replies(source(port));
            assertThat(r).hasSize(1);
            assertThat(DtlsRecords.firstHandshakeType(r.get(0))).isEqualTo(DtlsRecords.HELLO_VERIFY_REQUEST);
            assertThat(r.get(0).readableBytes()).as("no amplification").isLessThanOrEqualTo(hello.readableBytes());
            r.get(0).release();
        }
        hello.release();
        assertThat(handler.associations()).isZero();
        assertThat(counters.dtlsAssociations()).isZero();
        assertThat(counters.snapshot().refusals(Refusal.DTLS_HELLO_VERIFY)).isEqualTo(500);
    }

    @Test
    void garbageAndRecordsBeforeTheHandshakeAreDroppedAndCounted() throws Exception {
        start(10);
        InetSocketAddress from = source(40001);
        send(Unpooled.wrappedBuffer(new byte[] {0, 1, 0, 0, 0x21, 0x12, (byte) 0xA4, 0x42}), from); // plain STUN
        byte[] appData = new byte[40];
        appData[0] = 23; // application_data
        appData[1] = (byte) 0xFE;
        appData[2] = (byte) 0xFD;
        appData[4] = 1; // epoch 1
        appData[12] = 27;
        send(Unpooled.wrappedBuffer(appData), from);
        send(Unpooled.wrappedBuffer(new byte[0]), from);
        byte[] truncatedHello = new byte[30];
        truncatedHello[0] = 22;
        truncatedHello[1] = (byte) 0xFE;
        truncatedHello[13] = 1;
        send(Unpooled.wrappedBuffer(truncatedHello), from);
        assertThat(replies(from)).isEmpty();
        assertThat(counters.snapshot().refusals(Refusal.DTLS_UNEXPECTED)).isEqualTo(4);
        assertThat(handler.associations()).isZero();
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void aForgedCookieMakesNoAssociation() throws Exception {
        start(10);
        ByteBuf withCookie = cookieRound(new DtlsTestClient(), source(40002));
        InetSocketAddress from = source(40002);
        DtlsRecords.ClientHello hello = DtlsRecords.clientHello(withCookie);
        int cookieAt = withCookie.readerIndex() + hello.cookieLengthAt() + 1;
        withCookie.setByte(cookieAt + 5, withCookie.getByte(cookieAt + 5) ^ 0x55);
        send(withCookie, from);
        assertThat(replies(from)).isEmpty();
        assertThat(handler.associations()).isZero();
        assertThat(counters.snapshot().refusals(Refusal.DTLS_BAD_COOKIE)).isEqualTo(1);
    }

    @Test
    void aCookieReplayedFromOtherSourcesPinsNoMoreState() throws Exception {
        start(10);
        InetSocketAddress from = source(40003);
        ByteBuf withCookie = cookieRound(new DtlsTestClient(), from);
        send(withCookie.retainedDuplicate(), from);
        assertThat(handler.associations()).isEqualTo(1);
        replies(from).forEach(ByteBuf::release);
        for (int port = 1; port <= 50; port++) {
            send(withCookie.retainedDuplicate(), source(port));
            assertThat(replies(source(port))).isEmpty();
        }
        withCookie.release();
        assertThat(handler.associations()).isEqualTo(1);
        assertThat(counters.snapshot().refusals(Refusal.DTLS_BAD_COOKIE)).isEqualTo(50);
    }

    @Test
    void theCapRefusesNewAssociations() throws Exception {
        start(1);
        handshake(new DtlsTestClient(), source(40004));
        InetSocketAddress from = source(40005);
        send(cookieRound(new DtlsTestClient(), from), from); // the cookie round costs no state, so it still happens
        assertThat(replies(from)).isEmpty();
        assertThat(handler.associations()).isEqualTo(1);
        assertThat(counters.snapshot().refusals(Refusal.DTLS_ASSOCIATION_LIMIT)).isEqualTo(1);
    }

    @Test
    void aHandshakeThatNeverFinishesIsDroppedAtTheTimeout() throws Exception {
        start(10);
        InetSocketAddress from = source(40006);
        send(cookieRound(new DtlsTestClient(), from), from); // the server's flight goes out; the client never answers it
        replies(from).forEach(ByteBuf::release);
        assertThat(counters.dtlsAssociations()).isEqualTo(1);
        now.addAndGet(HANDSHAKE_TIMEOUT / 2);
        handler.sweep(channel.pipeline().firstContext(), now.get());
        assertThat(handler.associations()).as("not yet").isEqualTo(1);
        now.addAndGet(HANDSHAKE_TIMEOUT);
        handler.sweep(channel.pipeline().firstContext(), now.get());
        assertThat(handler.associations()).isZero();
        assertThat(counters.dtlsAssociations()).isZero();
        assertThat(counters.snapshot().refusals(Refusal.DTLS_HANDSHAKE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void anIdleAssociationWithoutAllocationIsClosedAndCloseNotifyEndsAnother() throws Exception {
        start(10);
        DtlsTestClient idle = new DtlsTestClient();
        handshake(idle, source(40007));
        DtlsTestClient leaving = new DtlsTestClient();
        handshake(leaving, source(40008));
        assertThat(handler.associations()).isEqualTo(2);
        send(leaving.close(), source(40008));
        replies(source(40008)).forEach(ByteBuf::release);
        assertThat(handler.associations()).isEqualTo(1);
        now.addAndGet(IDLE_TIMEOUT + 1);
        handler.sweep(channel.pipeline().firstContext(), now.get());
        List<ByteBuf> alert = replies(source(40007));
        assertThat(alert).as("close_notify").hasSize(1);
        assertThat((int) alert.get(0).getUnsignedByte(0)).isEqualTo(21); // alert record
        assertThat(handler.associations()).isZero();
        assertThat(counters.dtlsAssociations()).isZero();
    }

    @Test
    void aDtls10HelloGetsAFatalAlertAndNoState() throws Exception {
        start(10);
        ByteBuf hello = new DtlsTestClient().flight().get(0);
        hello.setShort(hello.readerIndex() + DtlsRecords.RECORD_HEADER + DtlsRecords.HANDSHAKE_HEADER, 0xFEFF);
        InetSocketAddress from = source(40009);
        send(hello, from);
        List<ByteBuf> r = replies(from);
        assertThat(r).hasSize(1);
        assertThat(r.get(0).readableBytes()).isEqualTo(15);
        assertThat((int) r.get(0).getUnsignedByte(0)).as("alert record").isEqualTo(21);
        assertThat((int) r.get(0).getUnsignedByte(14)).as("protocol_version").isEqualTo(70);
        assertThat(handler.associations()).isZero();
        assertThat(counters.snapshot().refusals(Refusal.DTLS_VERSION)).isEqualTo(1);
    }

    /** The first ClientHello and the server's HelloVerifyRequest; returns the ClientHello with the cookie, unsent. */
    private ByteBuf cookieRound(DtlsTestClient client, InetSocketAddress from) throws Exception {
        send(client.flight().get(0), from);
        for (ByteBuf r : replies(from)) {
            client.receive(r);
            r.release();
        }
        return client.flight().get(0);
    }
}
