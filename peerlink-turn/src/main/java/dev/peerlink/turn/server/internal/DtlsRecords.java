package dev.peerlink.turn.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Just enough of the DTLS record layer (RFC 6347 §4.1, §4.2.2) to look at a datagram from a source without an
 * association: is it an unfragmented ClientHello in epoch 0, and where is its cookie. Everything else about records
 * is the SSLEngine's business.
 */
final class DtlsRecords {
    static final int RECORD_HEADER = 13;
    static final int HANDSHAKE_HEADER = 12;
    static final int HANDSHAKE = 22;
    static final int CLIENT_HELLO = 1;
    static final int HELLO_VERIFY_REQUEST = 3;
    /** client_version(2) random(32): the session_id length follows. */
    private static final int SESSION_ID_AT = 2 + 32;

    private DtlsRecords() {}

    /** Where a ClientHello's cookie sits in its datagram; {@code length} 0 means no cookie yet. */
    record ClientHello(long recordSeq, int clientVersion, int cookieLengthAt, int cookieLength) {
        boolean hasCookie() {
            return cookieLength > 0;
        }

        /** DTLS versions count down: 1.0 is 0xFEFF, 1.2 is 0xFEFD. */
        boolean offersDtls12() {
            return clientVersion <= DTLS_1_2;
        }
    }

    static final int DTLS_1_0 = 0xFEFF;
    static final int DTLS_1_2 = 0xFEFD;

    /**
     * The datagram's first record as a ClientHello, or null when it is anything else: another content type or epoch,
     * a fragment, a length that does not add up. Does not move {@code d}'s indices.
     */
    static ClientHello clientHello(ByteBuf d) {
        int at = d.readerIndex();
        int n = d.readableBytes();
        if (n < RECORD_HEADER + HANDSHAKE_HEADER + SESSION_ID_AT + 2 || d.getUnsignedByte(at) != HANDSHAKE
                || d.getUnsignedByte(at + 1) != 0xFE || d.getUnsignedShort(at + 3) != 0) { // DTLS 1.x, epoch 0
            return null;
        }
        int recordLength = d.getUnsignedShort(at + 11);
        int body = at + RECORD_HEADER;
        if (recordLength > n - RECORD_HEADER || d.getUnsignedByte(body) != CLIENT_HELLO) {
            return null;
        }
        int length = d.getUnsignedMedium(body + 1);
        int fragmentOffset = d.getUnsignedMedium(body + 6);
        int fragmentLength = d.getUnsignedMedium(body + 9);
        if (fragmentOffset != 0 || fragmentLength != length || length + HANDSHAKE_HEADER > recordLength) {
            return null; // fragmented ClientHellos are not worth state before the cookie: real ones fit a datagram
        }
        int sessionIdAt = body + HANDSHAKE_HEADER + SESSION_ID_AT;
        int cookieLengthAt = sessionIdAt + 1 + d.getUnsignedByte(sessionIdAt);
        int end = body + HANDSHAKE_HEADER + length;
        if (cookieLengthAt >= end || cookieLengthAt + 1 + d.getUnsignedByte(cookieLengthAt) > end) {
            return null;
        }
        return new ClientHello(d.getLong(at + 3) & 0xFFFF_FFFF_FFFFL, d.getUnsignedShort(body + HANDSHAKE_HEADER),
                cookieLengthAt - at, d.getUnsignedByte(cookieLengthAt));
    }

    /**
     * The ClientHello the client sent before it had a cookie, rebuilt from the one with the cookie (RFC 6347 §4.2.1:
     * the two differ only there): message_seq 0, an empty cookie, the record sequence number before this one's.
     * Only the first record of {@code d} is kept.
     */
    static ByteBuf withoutCookie(ByteBuf d, ClientHello hello) {
        int at = d.readerIndex();
        int recordLength = d.getUnsignedShort(at + 11);
        int cookieAt = at + hello.cookieLengthAt();
        int cut = hello.cookieLength();
        ByteBuf out = Unpooled.buffer(RECORD_HEADER + recordLength - cut);
        out.writeBytes(d, at, cookieAt - at);
        out.writeByte(0);
        int rest = at + RECORD_HEADER + recordLength - (cookieAt + 1 + cut);
        out.writeBytes(d, cookieAt + 1 + cut, rest);
        out.setLong(3, Math.max(0, hello.recordSeq() - 1)); // epoch 0 (top two bytes) and the sequence number
        out.setShort(11, recordLength - cut);
        int body = RECORD_HEADER;
        int length = d.getUnsignedMedium(at + RECORD_HEADER + 1) - cut;
        out.setMedium(body + 1, length);
        out.setShort(body + 4, 0); // message_seq
        out.setMedium(body + 9, length);
        return out;
    }

    /**
     * A fatal protocol_version alert (RFC 5246 §7.2.2) in epoch 0 answering {@code hello}'s record: 15 bytes, smaller
     * than any ClientHello, so a spoofed source gets no amplification.
     */
    static ByteBuf protocolVersionAlert(ClientHello hello) {
        return Unpooled.buffer(RECORD_HEADER + 2).writeByte(21).writeShort(DTLS_1_0).writeShort(0)
                .writeMedium((int) (hello.recordSeq() >>> 24)).writeMedium((int) hello.recordSeq())
                .writeShort(2).writeByte(2).writeByte(70);
    }

    /** The handshake message type of the datagram's first record, or -1 when it holds none (e.g. an alert). */
    static int firstHandshakeType(ByteBuf d) {
        int at = d.readerIndex();
        if (d.readableBytes() < RECORD_HEADER + 1 || d.getUnsignedByte(at) != HANDSHAKE) {
            return -1;
        }
        return d.getUnsignedByte(at + RECORD_HEADER);
    }
}
