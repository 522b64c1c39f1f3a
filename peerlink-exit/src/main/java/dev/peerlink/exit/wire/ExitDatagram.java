package dev.peerlink.exit.wire;

import dev.peerlink.exit.wire.ExitProtocolException.Code;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Datagrams on a requester ↔ provider peer connection, version 1, first byte the type:
 * <ul>
 *   <li>{@code 0x01 PING u64 id u64 sentNanos} requester → provider; {@code 0x02 PONG} echoes it (RTT and loss of the
 *       path, measured continuously);</li>
 *   <li>{@code 0x10 UDP u32 flow u8 atyp addr u16 port payload}: a SOCKS5 UDP ASSOCIATE datagram, requester → provider
 *       to the destination, provider → requester from it (atyp 1 IPv4, 3 name (u8 length), 4 IPv6);</li>
 *   <li>{@code 0x20 STATE json}: the provider's own link state and load, provider → requester.</li>
 * </ul>
 */
public sealed interface ExitDatagram {
    int MAX_BYTES = 1400;

    record Ping(long id, long sentNanos) implements ExitDatagram {}

    record Pong(long id, long sentNanos) implements ExitDatagram {}

    record Udp(int flow, String host, int port, byte[] payload) implements ExitDatagram {
        public Udp {
            if (host == null || host.isEmpty() || host.length() > 255 || port < 0 || port > 65535 || payload == null) {
                throw new IllegalArgumentException("udp datagram needs a host, a port and a payload");
            }
        }
    }

    record State(String json) implements ExitDatagram {}

    static byte[] encode(ExitDatagram d) {
        ByteBuffer b = ByteBuffer.allocate(MAX_BYTES + 300);
        switch (d) {
            case Ping p -> b.put((byte) 0x01).putLong(p.id()).putLong(p.sentNanos());
            case Pong p -> b.put((byte) 0x02).putLong(p.id()).putLong(p.sentNanos());
            case Udp u -> {
                b.put((byte) 0x10).putInt(u.flow());
                Address.write(b, u.host());
                b.putShort((short) u.port()).put(u.payload());
            }
            case State s -> b.put((byte) 0x20).put(s.json().getBytes(StandardCharsets.UTF_8));
        }
        if (b.position() > MAX_BYTES) {
            throw new IllegalArgumentException("datagram larger than " + MAX_BYTES + " bytes");
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    static ExitDatagram decode(byte[] bytes) throws ExitProtocolException {
        if (bytes.length == 0 || bytes.length > MAX_BYTES) {
            throw new ExitProtocolException(Code.TOO_LARGE, "datagram of " + bytes.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            int type = b.get() & 0xff;
            return switch (type) {
                case 0x01 -> exact(b, new Ping(b.getLong(), b.getLong()));
                case 0x02 -> exact(b, new Pong(b.getLong(), b.getLong()));
                case 0x10 -> {
                    int flow = b.getInt();
                    String host = Address.read(b);
                    int port = b.getShort() & 0xffff;
                    byte[] payload = new byte[b.remaining()];
                    b.get(payload);
                    yield new Udp(flow, host, port, payload);
                }
                case 0x20 -> new State(StandardCharsets.UTF_8.newDecoder().decode(b).toString());
                default -> throw new ExitProtocolException(Code.INVALID, "unknown datagram type " + type);
            };
        } catch (BufferUnderflowException e) {
            throw new ExitProtocolException(Code.TRUNCATED, "datagram truncated");
        } catch (java.nio.charset.CharacterCodingException | IllegalArgumentException e) {
            throw new ExitProtocolException(Code.MALFORMED, "datagram malformed: " + e.getMessage());
        }
    }

    private static ExitDatagram exact(ByteBuffer b, ExitDatagram d) throws ExitProtocolException {
        if (b.hasRemaining()) {
            throw new ExitProtocolException(Code.MALFORMED, "trailing bytes after a fixed-size datagram");
        }
        return d;
    }

    /** SOCKS5-style address field: atyp 1 (IPv4), 3 (u8 length + name), 4 (IPv6). */
    final class Address {
        private Address() {}

        static void write(ByteBuffer b, String host) {
            try {
                if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                    b.put((byte) 1).put(java.net.InetAddress.getByName(host).getAddress());
                    return;
                }
                if (host.indexOf(':') >= 0) {
                    b.put((byte) 4).put(java.net.InetAddress.getByName(host).getAddress());
                    return;
                }
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("bad IP literal " + host);
            }
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            b.put((byte) 3).put((byte) name.length).put(name);
        }

        static String read(ByteBuffer b) throws ExitProtocolException {
            int atyp = b.get() & 0xff;
            byte[] raw = switch (atyp) {
                case 1 -> new byte[4];
                case 4 -> new byte[16];
                case 3 -> new byte[b.get() & 0xff];
                default -> throw new ExitProtocolException(Code.INVALID, "unknown address type " + atyp);
            };
            b.get(raw);
            if (atyp == 3) {
                if (raw.length == 0) {
                    throw new ExitProtocolException(Code.INVALID, "empty host name");
                }
                return new String(raw, StandardCharsets.US_ASCII);
            }
            try {
                return java.net.InetAddress.getByAddress(raw).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                throw new ExitProtocolException(Code.INVALID, "bad address");
            }
        }
    }
}
