package dev.peerlink.exit.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.socksx.v5.Socks5AddressDecoder;
import io.netty.handler.codec.socksx.v5.Socks5AddressEncoder;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;

/**
 * The RFC 1928 §7 header of a UDP ASSOCIATE datagram: {@code RSV(2) FRAG(1) ATYP(1) DST.ADDR DST.PORT DATA}. The
 * address field uses Netty's SOCKS5 address codec. Fragments are not supported (FRAG must be 0), as §7 allows.
 */
final class SocksUdpHeader {
    record Datagram(String host, int port, byte[] payload) {}

    private SocksUdpHeader() {}

    /** The datagram a client sent, or null when it is malformed or a fragment (such datagrams are dropped). */
    static Datagram decode(ByteBuf in) {
        try {
            if (in.readableBytes() < 4) {
                return null;
            }
            in.skipBytes(2);
            if (in.readUnsignedByte() != 0) {
                return null;
            }
            Socks5AddressType type = Socks5AddressType.valueOf(in.readByte());
            String host = Socks5AddressDecoder.DEFAULT.decodeAddress(type, in);
            if (in.readableBytes() < 2) {
                return null;
            }
            int port = in.readUnsignedShort();
            return new Datagram(host, port, ByteBufUtil.getBytes(in));
        } catch (Exception e) {
            return null; // truncated address or unknown address type
        }
    }

    /** A datagram from {@code host:port} with its header, for the client. */
    static ByteBuf encode(ByteBufAllocator alloc, String host, int port, byte[] payload) throws Exception {
        ByteBuf out = alloc.buffer(10 + host.length() + payload.length);
        try {
            out.writeShort(0).writeByte(0);
            Socks5AddressType type = Destinations.typeOf(host);
            out.writeByte(type.byteValue());
            Socks5AddressEncoder.DEFAULT.encodeAddress(type, host, out);
            out.writeShort(port).writeBytes(payload);
            return out;
        } catch (Exception | Error e) {
            out.release();
            throw e;
        }
    }
}
