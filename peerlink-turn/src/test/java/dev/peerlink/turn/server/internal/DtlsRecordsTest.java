package dev.peerlink.turn.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The few DTLS header fields the listener reads before an association exists, on a JDK client's real hellos. */
class DtlsRecordsTest {

    @Test
    void readsAClientHelloWithoutAndWithItsCookie() throws Exception {
        DtlsTestClient client = new DtlsTestClient();
        ByteBuf first = client.flight().get(0);
        DtlsRecords.ClientHello hello = DtlsRecords.clientHello(first);
        assertThat(hello).isNotNull();
        assertThat(hello.hasCookie()).isFalse();
        assertThat(hello.offersDtls12()).isTrue();
        assertThat(hello.recordSeq()).isZero();
        assertThat(first.readerIndex()).as("indices untouched").isZero();
    }

    @Test
    void rebuildsTheCookieLessHelloFromTheOneWithTheCookie() throws Exception {
        byte[] cookie = new byte[32];
        Arrays.fill(cookie, (byte) 7);
        ByteBuf original = new DtlsTestClient().flight().get(0);
        ByteBuf withCookie = insertCookie(original, cookie, 1);
        DtlsRecords.ClientHello hello = DtlsRecords.clientHello(withCookie);
        assertThat(hello.hasCookie()).isTrue();
        assertThat(hello.cookieLength()).isEqualTo(32);
        assertThat(hello.recordSeq()).isEqualTo(1);

        ByteBuf rebuilt = DtlsRecords.withoutCookie(withCookie, hello);
        assertThat(ByteBufUtil.hexDump(rebuilt)).as("the hello as first sent").isEqualTo(ByteBufUtil.hexDump(original));
    }

    @Test
    void anythingElseIsNoClientHello() throws Exception {
        ByteBuf hello = new DtlsTestClient().flight().get(0);
        assertThat(DtlsRecords.clientHello(hello.copy(0, 30))).as("truncated").isNull();
        ByteBuf fragment = hello.copy();
        fragment.setMedium(DtlsRecords.RECORD_HEADER + 6, 1); // fragment_offset 1
        assertThat(DtlsRecords.clientHello(fragment)).as("a fragment").isNull();
        ByteBuf epoch1 = hello.copy();
        epoch1.setShort(3, 1);
        assertThat(DtlsRecords.clientHello(epoch1)).as("epoch 1").isNull();
        ByteBuf longer = hello.copy();
        longer.setShort(11, hello.readableBytes()); // record longer than the datagram
        assertThat(DtlsRecords.clientHello(longer)).as("overlong record").isNull();
        ByteBuf badCookieLength = hello.copy();
        DtlsRecords.ClientHello h = DtlsRecords.clientHello(hello);
        badCookieLength.setByte(h.cookieLengthAt(), 255); // runs past the message
        assertThat(DtlsRecords.clientHello(badCookieLength)).as("cookie past the end").isNull();
        assertThat(DtlsRecords.clientHello(Unpooled.wrappedBuffer(new byte[64]))).as("zeros").isNull();
    }

    @Test
    void theProtocolVersionAlertEchoesTheRecordNumber() throws Exception {
        ByteBuf hello = insertCookie(new DtlsTestClient().flight().get(0), new byte[0], 0x0102_0304_0506L);
        ByteBuf alert = DtlsRecords.protocolVersionAlert(DtlsRecords.clientHello(hello));
        assertThat(ByteBufUtil.hexDump(alert)).isEqualTo("15feff0000" + "010203040506" + "0002" + "0246");
    }

    /** {@code hello} as the client resends it after a HelloVerifyRequest: the cookie, message_seq 1, record {@code seq}. */
    private static ByteBuf insertCookie(ByteBuf hello, byte[] cookie, long seq) {
        DtlsRecords.ClientHello h = DtlsRecords.clientHello(hello);
        int at = h.cookieLengthAt();
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(hello, 0, at).writeByte(cookie.length).writeBytes(cookie)
                .writeBytes(hello, at + 1, hello.readableBytes() - at - 1);
        out.setShort(3, 0).setMedium(5, (int) (seq >>> 24)).setMedium(8, (int) seq);
        out.setShort(11, out.getUnsignedShort(11) + cookie.length);
        int length = out.getUnsignedMedium(DtlsRecords.RECORD_HEADER + 1) + cookie.length;
        out.setMedium(DtlsRecords.RECORD_HEADER + 1, length);
        out.setShort(DtlsRecords.RECORD_HEADER + 4, cookie.length > 0 ? 1 : 0);
        out.setMedium(DtlsRecords.RECORD_HEADER + 9, length);
        return out;
    }
}
