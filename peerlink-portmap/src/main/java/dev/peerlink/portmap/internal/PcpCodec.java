package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.internal.MalformedMessageException.Problem;
import dev.peerlink.portmap.internal.PcpMessage.MapData;
import dev.peerlink.portmap.internal.PcpMessage.Option;
import dev.peerlink.portmap.internal.PcpMessage.Request;
import dev.peerlink.portmap.internal.PcpMessage.Response;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure PCP codec (RFC 6887): bytes in, a typed {@link Request}/{@link Response} or a {@link MalformedMessageException}
 * out. Addresses travel as 16 bytes, IPv4 as IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}); decoding maps those back to
 * {@link Inet4Address}.
 */
public final class PcpCodec {
    static final int HEADER = 24;
    static final int MAP_BODY = 36;

    private PcpCodec() {
    }

    public static byte[] encode(Request r) {
        ByteBuffer b = ByteBuffer.allocate(size(r.map() != null, r.options()));
        b.put((byte) PcpMessage.VERSION).put((byte) r.opcode()).putShort((short) 0).putInt((int) r.lifetimeSeconds());
        b.put(address16(r.clientAddress()));
        if (r.map() != null) {
            putMap(b, r.map());
        }
        putOptions(b, r.options());
        return b.array();
    }

    public static byte[] encode(Response r) {
        ByteBuffer b = ByteBuffer.allocate(size(r.map() != null, r.options()));
        b.put((byte) PcpMessage.VERSION).put((byte) (PcpMessage.RESPONSE_BIT | r.opcode())).put((byte) 0)
                .put((byte) r.resultCode()).putInt((int) r.lifetimeSeconds()).putInt((int) r.epochSeconds())
                .put(new byte[12]);
        if (r.map() != null) {
            putMap(b, r.map());
        }
        putOptions(b, r.options());
        return b.array();
    }

    private static int size(boolean map, List<Option> options) {
        int n = HEADER + (map ? MAP_BODY : 0);
        for (Option o : options) {
            n += 4 + padded(o.data().length);
        }
        if (n > PcpMessage.MAX_SIZE) {
            throw new IllegalArgumentException("PCP message larger than 1100 bytes");
        }
        return n;
    }

    private static int padded(int n) {
        return (n + 3) & ~3;
    }

    private static void putMap(ByteBuffer b, MapData m) {
        b.put(m.nonce()).put((byte) m.protocol()).put(new byte[3]).putShort((short) m.internalPort())
                .putShort((short) m.externalPort()).put(address16(m.externalAddress()));
    }

    private static void putOptions(ByteBuffer b, List<Option> options) {
        for (Option o : options) {
            byte[] d = o.data();
            b.put((byte) o.code()).put((byte) 0).putShort((short) d.length).put(d).put(new byte[padded(d.length) - d.length]);
        }
    }

    /** The 16-byte wire form: IPv6 as is, IPv4 mapped. */
    public static byte[] address16(InetAddress a) {
        byte[] raw = a.getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] m = new byte[16];
        m[10] = (byte) 0xff;
        m[11] = (byte) 0xff;
        System.arraycopy(raw, 0, m, 12, 4);
        return m;
    }

    /** Decodes what a client receives. */
    public static Response decodeResponse(byte[] b) throws MalformedMessageException {
        checkEnvelope(b);
        int op = b[1] & 0xff;
        if ((op & PcpMessage.RESPONSE_BIT) == 0) {
            throw new MalformedMessageException(Problem.NOT_A_RESPONSE, "opcode " + op + " without R bit");
        }
        op &= 0x7f;
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.position(3);
        int result = buf.get() & 0xff;
        long lifetime = buf.getInt() & 0xffffffffL;
        long epoch = buf.getInt() & 0xffffffffL;
        buf.position(HEADER);
        MapData map = null;
        if (op == PcpMessage.OP_MAP) {
            // Error responses may be header-only when the server could not parse the body (section 7.2).
            if (buf.remaining() >= MAP_BODY) {
                map = getMap(buf);
            } else if (result == PcpMessage.SUCCESS) {
                throw new MalformedMessageException(Problem.TRUNCATED, "successful MAP response without MAP body");
            }
        } else if (op != PcpMessage.OP_ANNOUNCE && result == PcpMessage.SUCCESS) {
            throw new MalformedMessageException(Problem.UNKNOWN_OPCODE, "response opcode " + op);
        }
        return new Response(op, result, lifetime, epoch, map, getOptions(buf));
    }

    /** Decodes what a server receives (test fakes, fuzzing). */
    public static Request decodeRequest(byte[] b) throws MalformedMessageException {
        checkEnvelope(b);
        int op = b[1] & 0xff;
        if ((op & PcpMessage.RESPONSE_BIT) != 0) {
            throw new MalformedMessageException(Problem.NOT_A_REQUEST, "opcode " + op + " with R bit");
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.position(4);
        long lifetime = buf.getInt() & 0xffffffffL;
        byte[] client = new byte[16];
        buf.get(client);
        MapData map = null;
        if (op == PcpMessage.OP_MAP) {
            if (buf.remaining() < MAP_BODY) {
                throw new MalformedMessageException(Problem.TRUNCATED, "MAP request without full MAP body");
            }
            map = getMap(buf);
        } else if (op != PcpMessage.OP_ANNOUNCE) {
            throw new MalformedMessageException(Problem.UNKNOWN_OPCODE, "request opcode " + op);
        }
        return new Request(op, lifetime, address(client), map, getOptions(buf));
    }

    private static void checkEnvelope(byte[] b) throws MalformedMessageException {
        if (b.length < 1) {
            throw new MalformedMessageException(Problem.TRUNCATED, "empty datagram");
        }
        if ((b[0] & 0xff) != PcpMessage.VERSION) {
            // Version 0 is NAT-PMP: a NAT-PMP-only server answers PCP with a NAT-PMP "unsupported version".
            throw new MalformedMessageException(Problem.BAD_VERSION, "version " + (b[0] & 0xff));
        }
        if (b.length < HEADER) {
            throw new MalformedMessageException(Problem.TRUNCATED, "need at least 24 bytes, got " + b.length);
        }
        if (b.length > PcpMessage.MAX_SIZE || b.length % 4 != 0) {
            throw new MalformedMessageException(Problem.BAD_LENGTH, "length " + b.length + " (max 1100, multiple of 4)");
        }
    }

    private static MapData getMap(ByteBuffer buf) throws MalformedMessageException {
        byte[] nonce = new byte[PcpMessage.NONCE_SIZE];
        buf.get(nonce);
        int protocol = buf.get() & 0xff;
        buf.position(buf.position() + 3);
        int internal = buf.getShort() & 0xffff;
        int external = buf.getShort() & 0xffff;
        byte[] addr = new byte[16];
        buf.get(addr);
        return new MapData(nonce, protocol, internal, external, address(addr));
    }

    private static List<Option> getOptions(ByteBuffer buf) throws MalformedMessageException {
        List<Option> options = new ArrayList<>();
        while (buf.hasRemaining()) {
            if (buf.remaining() < 4) {
                throw new MalformedMessageException(Problem.BAD_OPTION, "option header truncated");
            }
            int code = buf.get() & 0xff;
            buf.get();
            int len = buf.getShort() & 0xffff;
            if (padded(len) > buf.remaining()) {
                throw new MalformedMessageException(Problem.BAD_OPTION, "option " + code + " length " + len
                        + " exceeds the message");
            }
            byte[] data = new byte[len];
            buf.get(data);
            buf.position(buf.position() + padded(len) - len);
            options.add(new Option(code, data));
        }
        return options;
    }

    static InetAddress address(byte[] a16) {
        try {
            return InetAddress.getByAddress(a16); // IPv4-mapped comes back as Inet4Address
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
