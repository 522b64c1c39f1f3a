package dev.peerlink.peer.internal.birthday;

import dev.peerlink.peer.internal.PunchPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The birthday step's UDP packets (seed 003), sibling of {@link PunchPacket}: {@code "PLBP"}, version 1, kind, the
 * 8-byte session tag ({@link PunchPacket#tagOf}), then a kind-specific body.
 *
 * <ul>
 *   <li>{@code OPEN} (14 bytes): sent once from each of the hard (symmetric) side's N sockets to the easy side's
 *       public endpoint, to open N mappings in the hard side's NAT. The easy side's NAT normally drops it.</li>
 *   <li>{@code PROBE} (16 bytes): easy → a guessed port of the hard side's public IP; body: that destination port
 *       (2 bytes, big-endian), so the hard side learns which of its external ports the probe reached.</li>
 *   <li>{@code RESPONSE} (21 or 33 bytes): hard → easy from the socket a probe reached; body: address length (4 or
 *       16), the hard side's public IP, the external port the probe reached (2 bytes).</li>
 * </ul>
 *
 * The first byte ({@code 'P'}, 0x50) is neither STUN nor a QUIC long header, so a stray packet that reaches QUIC after
 * the hand-off is dropped as an unknown short header.
 */
public record BirthdayPacket(Kind kind, byte[] tag, InetAddress ip, int port) {
    public static final int HEADER = 14;
    private static final byte[] MAGIC = "PLBP".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    public enum Kind { OPEN, PROBE, RESPONSE }

    /** Why a packet that carries the magic is not a valid birthday packet. */
    public enum Reason { NOT_BIRTHDAY, LENGTH, VERSION, KIND, ADDRESS, PORT }

    public static byte[] open(byte[] tag) {
        return header(Kind.OPEN, tag, 0).array();
    }

    public static byte[] probe(byte[] tag, int port) {
        checkPort(port);
        return header(Kind.PROBE, tag, 2).putShort((short) port).array();
    }

    public static byte[] response(byte[] tag, InetAddress ip, int port) {
        checkPort(port);
        byte[] a = ip.getAddress();
        return header(Kind.RESPONSE, tag, 1 + a.length + 2).put((byte) a.length).put(a).putShort((short) port).array();
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
    }

    private static ByteBuffer header(Kind kind, byte[] tag, int body) {
        if (tag.length != 8) {
            throw new IllegalArgumentException("tag must be 8 bytes");
        }
        return ByteBuffer.allocate(HEADER + body).put(MAGIC).put((byte) VERSION).put((byte) kind.ordinal()).put(tag);
    }

    /** True when the bytes start with the birthday magic, whatever else is wrong with them. */
    public static boolean looksLikeBirthday(byte[] data, int len) {
        return len >= 4 && Arrays.equals(data, 0, 4, MAGIC, 0, 4);
    }

    /**
     * Decodes a birthday packet.
     *
     * @throws BirthdayPacketException (with a {@link Reason}) when the bytes are not a valid birthday packet
     */
    public static BirthdayPacket decode(byte[] data, int len) throws BirthdayPacketException {
        if (!looksLikeBirthday(data, len)) {
            throw new BirthdayPacketException(Reason.NOT_BIRTHDAY, "not a birthday packet (no PLBP magic)");
        }
        if (len < HEADER) {
            throw new BirthdayPacketException(Reason.LENGTH, "birthday packet of " + len + " bytes, header is " + HEADER);
        }
        if (data[4] != VERSION) {
            throw new BirthdayPacketException(Reason.VERSION, "birthday packet version " + (data[4] & 0xff) + " unsupported");
        }
        int k = data[5] & 0xff;
        if (k >= Kind.values().length) {
            throw new BirthdayPacketException(Reason.KIND, "unknown birthday packet kind " + k);
        }
        Kind kind = Kind.values()[k];
        byte[] tag = Arrays.copyOfRange(data, 6, 14);
        switch (kind) {
            case OPEN -> {
                expectLength(len, HEADER, kind);
                return new BirthdayPacket(kind, tag, null, 0);
            }
            case PROBE -> {
                expectLength(len, HEADER + 2, kind);
                return new BirthdayPacket(kind, tag, null, port(data, HEADER));
            }
            default -> {
                if (len < HEADER + 1) {
                    throw new BirthdayPacketException(Reason.LENGTH, "RESPONSE without an address");
                }
                int alen = data[HEADER] & 0xff;
                if (alen != 4 && alen != 16) {
                    throw new BirthdayPacketException(Reason.ADDRESS, "RESPONSE address of " + alen + " bytes");
                }
                expectLength(len, HEADER + 1 + alen + 2, kind);
                InetAddress ip;
                try {
                    ip = InetAddress.getByAddress(Arrays.copyOfRange(data, HEADER + 1, HEADER + 1 + alen));
                } catch (UnknownHostException e) {
                    throw new BirthdayPacketException(Reason.ADDRESS, "RESPONSE address: " + e.getMessage());
                }
                if (alen == 16 && ip instanceof Inet4Address) {
                    throw new BirthdayPacketException(Reason.ADDRESS, "RESPONSE carries an IPv4-mapped IPv6 address");
                }
                return new BirthdayPacket(kind, tag, ip, port(data, HEADER + 1 + alen));
            }
        }
    }

    private static void expectLength(int len, int expected, Kind kind) throws BirthdayPacketException {
        if (len != expected) {
            throw new BirthdayPacketException(Reason.LENGTH, kind + " of " + len + " bytes, expected " + expected);
        }
    }

    private static int port(byte[] data, int at) throws BirthdayPacketException {
        int p = (data[at] & 0xff) << 8 | data[at + 1] & 0xff;
        if (p == 0) {
            throw new BirthdayPacketException(Reason.PORT, "port 0");
        }
        return p;
    }

    public boolean hasTag(byte[] expected) {
        return MessageDigest.isEqual(tag, expected);
    }

    /** A malformed birthday packet; {@link #reason()} says what is wrong. */
    public static final class BirthdayPacketException extends Exception {
        private final Reason reason;

        public BirthdayPacketException(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
