package dev.peerlink.stun.internal;

import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunDecodeException.Reason;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** The address attribute value format of RFC 8489 §14.1/§14.2, plain or XOR-ed with cookie and transaction ID. */
public final class AddressCodec {
    private static final int FAMILY_IPV4 = 0x01;
    private static final int FAMILY_IPV6 = 0x02;

    private AddressCodec() {}

    public static void write(ByteSink out, InetSocketAddress address, byte[] header, boolean xor) {
        byte[] ip = address.getAddress().getAddress();
        int port = address.getPort();
        out.u8(0);
        out.u8(ip.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6);
        if (xor) {
            // header[4..20] is magic cookie followed by transaction ID: exactly the XOR pad.
            port ^= ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
            byte[] x = new byte[ip.length];
            for (int i = 0; i < ip.length; i++) {
                x[i] = (byte) (ip[i] ^ header[4 + i]);
            }
            ip = x;
        }
        out.u16(port);
        out.bytes(ip);
    }

    public static InetSocketAddress read(byte[] msg, int off, int len, boolean xor) throws StunDecodeException {
        if (len < 4) {
            throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, "address attribute of " + len + " bytes");
        }
        int family = msg[off + 1] & 0xFF;
        int ipLen = switch (family) {
            case FAMILY_IPV4 -> 4;
            case FAMILY_IPV6 -> 16;
            default -> throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, "address family " + family);
        };
        if (len != 4 + ipLen) {
            throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, "address attribute length " + len + " for family " + family);
        }
        int port = Bytes.u16(msg, off + 2);
        byte[] ip = new byte[ipLen];
        System.arraycopy(msg, off + 4, ip, 0, ipLen);
        if (xor) {
            port ^= Bytes.u16(msg, 4);
            for (int i = 0; i < ipLen; i++) {
                ip[i] ^= msg[4 + i];
            }
        }
        try {
            InetAddress a = InetAddress.getByAddress(ip);
            if (ipLen == 16 && a instanceof Inet4Address) {
                // An IPv4-mapped IPv6 address collapses to IPv4 in Java; keep the family honest.
                throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, "IPv4-mapped address in IPv6 family");
            }
            return new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, "address: " + e.getMessage());
        }
    }
}
