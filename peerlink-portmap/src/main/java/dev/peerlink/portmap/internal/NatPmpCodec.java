package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.internal.MalformedMessageException.Problem;
import dev.peerlink.portmap.internal.NatPmpMessage.ErrorResponse;
import dev.peerlink.portmap.internal.NatPmpMessage.ExternalAddressRequest;
import dev.peerlink.portmap.internal.NatPmpMessage.ExternalAddressResponse;
import dev.peerlink.portmap.internal.NatPmpMessage.MapRequest;
import dev.peerlink.portmap.internal.NatPmpMessage.MapResponse;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Pure NAT-PMP codec (RFC 6886): bytes in, a typed message or a {@link MalformedMessageException} out. No I/O.
 * Decoding is strict about lengths (the RFC fixes every message size) but tolerates trailing bytes on responses
 * only when the RFC allows it (it does not), so any other length is {@link Problem#BAD_LENGTH}.
 */
public final class NatPmpCodec {
    private NatPmpCodec() {
    }

    public static byte[] encode(NatPmpMessage m) {
        return switch (m) {
            case ExternalAddressRequest r -> new byte[] {NatPmpMessage.VERSION, NatPmpMessage.OP_EXTERNAL_ADDRESS};
            case MapRequest r -> ByteBuffer.allocate(12)
                    .put((byte) NatPmpMessage.VERSION).put((byte) r.opcode()).putShort((short) 0)
                    .putShort((short) r.internalPort()).putShort((short) r.suggestedExternalPort())
                    .putInt((int) r.lifetimeSeconds()).array();
            case ExternalAddressResponse r -> header(12, NatPmpMessage.OP_EXTERNAL_ADDRESS, r.resultCode(), r.epochSeconds())
                    .put(r.externalAddress().getAddress()).array();
            case MapResponse r -> header(16, r.opcode(), r.resultCode(), r.epochSeconds())
                    .putShort((short) r.internalPort()).putShort((short) r.externalPort())
                    .putInt((int) r.lifetimeSeconds()).array();
            case ErrorResponse r -> header(8, r.opcode(), r.resultCode(), r.epochSeconds()).array();
        };
    }

    private static ByteBuffer header(int size, int opcode, int result, long epoch) {
        return ByteBuffer.allocate(size).put((byte) NatPmpMessage.VERSION)
                .put((byte) (NatPmpMessage.RESPONSE_BIT | opcode)).putShort((short) result).putInt((int) epoch);
    }

    /** Decodes a datagram a client receives (a response). */
    public static NatPmpMessage.Response decodeResponse(byte[] b) throws MalformedMessageException {
        if (b.length < 2) {
            throw new MalformedMessageException(Problem.TRUNCATED, "datagram of " + b.length + " bytes");
        }
        if (b[0] != NatPmpMessage.VERSION) {
            throw new MalformedMessageException(Problem.BAD_VERSION, "version " + (b[0] & 0xff));
        }
        int op = b[1] & 0xff;
        if ((op & NatPmpMessage.RESPONSE_BIT) == 0) {
            throw new MalformedMessageException(Problem.NOT_A_RESPONSE, "opcode " + op + " has no response bit");
        }
        op &= 0x7f;
        if (b.length < 8) {
            throw new MalformedMessageException(Problem.TRUNCATED, "response header needs 8 bytes, got " + b.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.position(2);
        int result = buf.getShort() & 0xffff;
        long epoch = buf.getInt() & 0xffffffffL;
        if (result != NatPmpMessage.SUCCESS && b.length == 8) {
            return new ErrorResponse(op, result, epoch);
        }
        switch (op) {
            case NatPmpMessage.OP_EXTERNAL_ADDRESS -> {
                requireLength(b, 12);
                byte[] a = new byte[4];
                buf.get(a);
                return new ExternalAddressResponse(result, epoch, inet4(a));
            }
            case NatPmpMessage.OP_MAP_UDP, NatPmpMessage.OP_MAP_TCP -> {
                requireLength(b, 16);
                return new MapResponse(op, result, epoch, buf.getShort() & 0xffff, buf.getShort() & 0xffff,
                        buf.getInt() & 0xffffffffL);
            }
            default -> {
                if (b.length == 8) {
                    return new ErrorResponse(op, result, epoch);
                }
                throw new MalformedMessageException(Problem.UNKNOWN_OPCODE, "response opcode " + op);
            }
        }
    }

    /** Decodes a datagram a server receives (a request); used by test fakes and the fuzz test. */
    public static NatPmpMessage decodeRequest(byte[] b) throws MalformedMessageException {
        if (b.length < 2) {
            throw new MalformedMessageException(Problem.TRUNCATED, "datagram of " + b.length + " bytes");
        }
        if (b[0] != NatPmpMessage.VERSION) {
            throw new MalformedMessageException(Problem.BAD_VERSION, "version " + (b[0] & 0xff));
        }
        int op = b[1] & 0xff;
        if ((op & NatPmpMessage.RESPONSE_BIT) != 0) {
            throw new MalformedMessageException(Problem.NOT_A_REQUEST, "opcode " + op + " has the response bit");
        }
        switch (op) {
            case NatPmpMessage.OP_EXTERNAL_ADDRESS -> {
                requireLength(b, 2);
                return new ExternalAddressRequest();
            }
            case NatPmpMessage.OP_MAP_UDP, NatPmpMessage.OP_MAP_TCP -> {
                requireLength(b, 12);
                ByteBuffer buf = ByteBuffer.wrap(b);
                buf.position(4);
                return new MapRequest(op, buf.getShort() & 0xffff, buf.getShort() & 0xffff, buf.getInt() & 0xffffffffL);
            }
            default -> throw new MalformedMessageException(Problem.UNKNOWN_OPCODE, "request opcode " + op);
        }
    }

    private static void requireLength(byte[] b, int n) throws MalformedMessageException {
        if (b.length < n) {
            throw new MalformedMessageException(Problem.TRUNCATED, "need " + n + " bytes, got " + b.length);
        }
        if (b.length > n) {
            throw new MalformedMessageException(Problem.BAD_LENGTH, "expected " + n + " bytes, got " + b.length);
        }
    }

    static Inet4Address inet4(byte[] a) {
        try {
            return (Inet4Address) InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 bytes are always a valid IPv4 address
        }
    }

    static void checkU16(int v, String what) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException(what + " out of range: " + v);
        }
    }

    static void checkU32(long v, String what) {
        if (v < 0 || v > 0xffffffffL) {
            throw new IllegalArgumentException(what + " out of range: " + v);
        }
    }
}
