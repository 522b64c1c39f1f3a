package dev.peerlink.peer.pairing;

import dev.peerlink.peer.pairing.PairingCodeException.Reason;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.secure.PeerIdentity;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * What a device shows (as text or QR code) so another device can connect to it directly and securely: who it is
 * (device id and Ed25519 identity key, which the connecting side pins), where to reach it (TCP address:port
 * candidates), a one-time token (which authorises the first connection) and when the offer expires.
 *
 * <p>Text form: {@code PL1:} then the binary form in RFC 4648 base32 (upper case, no padding). Every character is in
 * the QR alphanumeric set, so the whole code is encoded in alphanumeric mode. Binary form (big-endian):
 * <pre>
 *  0      version (1)
 *  1..2   total length N in bytes, checksum included
 *  3..6   expiry, seconds since 1970-01-01T00:00:00Z (unsigned)
 *  7..22  token (16 bytes)
 *  23..54 Ed25519 identity key (32 bytes, raw RFC 8032)
 *  55     device id length L (1..64), then L bytes of [A-Za-z0-9._-]
 *  .      candidate count C (1..8), then per candidate: type (4 = IPv4/TCP, 6 = IPv6/TCP), address (4 or 16), port (2)
 *  N-4    CRC-32 (IEEE, as java.util.zip.CRC32) of bytes 0..N-5
 * </pre>
 * Decoding is pure and total: any input yields a code or a {@link PairingCodeException} with a reason.
 */
public final class PairingCode {
    public static final int VERSION = 1;
    public static final String PREFIX = "PL";
    public static final int TOKEN_LENGTH = 16;
    public static final int MAX_CANDIDATES = 8;

    private static final int FIXED = 1 + 2 + 4 + TOKEN_LENGTH + 32; // up to the device id length byte
    private static final int MIN_LENGTH = FIXED + 1 + 1 + 1 + 7 + 4;
    private static final int TYPE_IPV4 = 4;
    private static final int TYPE_IPV6 = 6;
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DeviceId deviceId;
    private final PeerIdentity identity;
    private final List<InetSocketAddress> candidates;
    private final byte[] token;
    private final Instant expiry;

    /**
     * @param expiry truncated to whole seconds
     * @throws IllegalArgumentException when a field cannot be encoded (no or too many candidates, unresolved or
     *     wildcard address, port 0, token not 16 bytes, expiry outside the unsigned 32-bit seconds range)
     */
    public PairingCode(DeviceId deviceId, PeerIdentity identity, List<InetSocketAddress> candidates, byte[] token,
                       Instant expiry) {
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.candidates = List.copyOf(candidates);
        if (this.candidates.isEmpty() || this.candidates.size() > MAX_CANDIDATES) {
            throw new IllegalArgumentException("a pairing code carries 1 to " + MAX_CANDIDATES + " addresses");
        }
        for (InetSocketAddress a : this.candidates) {
            String why = unusable(a.getAddress(), a.getPort());
            if (why != null) {
                throw new IllegalArgumentException(why + ": " + a);
            }
        }
        if (token == null || token.length != TOKEN_LENGTH) {
            throw new IllegalArgumentException("token must be " + TOKEN_LENGTH + " bytes");
        }
        this.token = token.clone();
        long s = expiry.getEpochSecond();
        if (s < 0 || s > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("expiry out of range: " + expiry);
        }
        this.expiry = Instant.ofEpochSecond(s);
    }

    /** A fresh random one-time token. */
    public static byte[] newToken() {
        byte[] t = new byte[TOKEN_LENGTH];
        RANDOM.nextBytes(t);
        return t;
    }

    public DeviceId deviceId() {
        return deviceId;
    }

    /** The device's identity key: the connecting side pins it. */
    public PeerIdentity identity() {
        return identity;
    }

    public List<InetSocketAddress> candidates() {
        return candidates;
    }

    public byte[] token() {
        return token.clone();
    }

    public Instant expiry() {
        return expiry;
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiry);
    }

    // ------------------------------------------------------------------ encoding

    /** The binary form (see the class comment). */
    public byte[] toBytes() {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        b.write(VERSION);
        b.write(0);
        b.write(0); // length, patched below
        long e = expiry.getEpochSecond();
        b.write((int) (e >>> 24));
        b.write((int) (e >>> 16));
        b.write((int) (e >>> 8));
        b.write((int) e);
        b.writeBytes(token);
        b.writeBytes(identity.raw());
        byte[] id = deviceId.value().getBytes(StandardCharsets.US_ASCII);
        b.write(id.length);
        b.writeBytes(id);
        b.write(candidates.size());
        for (InetSocketAddress a : candidates) {
            byte[] addr = a.getAddress().getAddress();
            b.write(addr.length == 4 ? TYPE_IPV4 : TYPE_IPV6);
            b.writeBytes(addr);
            b.write(a.getPort() >>> 8);
            b.write(a.getPort() & 0xFF);
        }
        b.writeBytes(new byte[4]);
        byte[] out = b.toByteArray();
        out[1] = (byte) (out.length >>> 8);
        out[2] = (byte) out.length;
        CRC32 crc = new CRC32();
        crc.update(out, 0, out.length - 4);
        ByteBuffer.wrap(out, out.length - 4, 4).putInt((int) crc.getValue());
        return out;
    }

    /** The text form: {@code PL1:} + base32 of {@link #toBytes()}; all characters in the QR alphanumeric set. */
    public String toText() {
        return PREFIX + VERSION + ":" + base32(toBytes());
    }

    @Override
    public String toString() {
        return toText();
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Parses and checks the code, including that it has not expired at {@code now}. Case, spaces and dashes are
     * ignored (people retype codes in groups).
     */
    public static PairingCode parse(String text, Instant now) throws PairingCodeException {
        PairingCode c = parse(text);
        if (c.expiredAt(now)) {
            throw new PairingCodeException(Reason.EXPIRED, "the pairing code expired at " + c.expiry
                    + "; ask for a new one");
        }
        return c;
    }

    /** Parses the code without looking at the clock. */
    public static PairingCode parse(String text) throws PairingCodeException {
        if (text == null) {
            throw new PairingCodeException(Reason.BAD_PREFIX, "no pairing code");
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (!Character.isWhitespace(ch) && ch != '-') {
                sb.append(Character.toUpperCase(ch));
            }
        }
        String s = sb.toString();
        int colon = s.indexOf(':');
        if (!s.startsWith(PREFIX) || colon < 0) {
            throw new PairingCodeException(Reason.BAD_PREFIX, "not a peerlink pairing code (it starts with "
                    + PREFIX + VERSION + ":)");
        }
        String v = s.substring(PREFIX.length(), colon);
        if (!v.equals(Integer.toString(VERSION))) {
            throw new PairingCodeException(v.matches("[0-9]{1,4}") ? Reason.BAD_VERSION : Reason.BAD_PREFIX,
                    v.matches("[0-9]{1,4}") ? "pairing code version " + v + " is not supported (this build reads "
                            + VERSION + ")" : "not a peerlink pairing code (it starts with " + PREFIX + VERSION + ":)");
        }
        String body = s.substring(colon + 1);
        PairingCode c = fromBytes(unbase32(body));
        if (!base32(c.toBytes()).equals(body)) {
            // the last character carried non-zero padding bits: not what an encoder writes
            throw new PairingCodeException(Reason.BAD_ENCODING, "the pairing code's last character is not valid");
        }
        return c;
    }

    /** Decodes the binary form. */
    public static PairingCode fromBytes(byte[] b) throws PairingCodeException {
        if (b.length < 3) {
            throw new PairingCodeException(Reason.TRUNCATED, "the pairing code is cut short");
        }
        if ((b[0] & 0xFF) != VERSION) {
            throw new PairingCodeException(Reason.BAD_VERSION, "pairing code format " + (b[0] & 0xFF)
                    + " is not supported (this build reads " + VERSION + ")");
        }
        int n = ((b[1] & 0xFF) << 8) | (b[2] & 0xFF);
        if (n < MIN_LENGTH) {
            throw new PairingCodeException(Reason.BAD_CHECKSUM, "the pairing code is damaged (bad length field)");
        }
        if (b.length < n) {
            throw new PairingCodeException(Reason.TRUNCATED, "the pairing code is cut short (" + b.length + " of "
                    + n + " bytes)");
        }
        if (b.length > n) {
            throw new PairingCodeException(Reason.TRAILING_DATA, "the pairing code has extra characters at the end");
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, n - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(b, n - 4, 4).getInt()) {
            throw new PairingCodeException(Reason.BAD_CHECKSUM, "the pairing code is mistyped or damaged (checksum)");
        }
        ByteBuffer in = ByteBuffer.wrap(b, 0, n - 4);
        in.position(3);
        long expiry = in.getInt() & 0xFFFF_FFFFL;
        byte[] token = new byte[TOKEN_LENGTH];
        in.get(token);
        byte[] key = new byte[32];
        in.get(key);
        int idLen = in.get() & 0xFF;
        if (idLen < 1 || idLen > 64 || in.remaining() < idLen + 1) {
            throw new PairingCodeException(idLen < 1 || idLen > 64 ? Reason.BAD_DEVICE_ID : Reason.TRUNCATED,
                    "bad device id length " + idLen);
        }
        byte[] id = new byte[idLen];
        in.get(id);
        String idText = new String(id, StandardCharsets.US_ASCII);
        if (!DeviceId.isValid(idText)) {
            throw new PairingCodeException(Reason.BAD_DEVICE_ID, "the device id in the pairing code is not valid");
        }
        int count = in.get() & 0xFF;
        if (count < 1 || count > MAX_CANDIDATES) {
            throw new PairingCodeException(Reason.BAD_ADDRESS, "the pairing code has " + count + " addresses (1 to "
                    + MAX_CANDIDATES + ")");
        }
        InetSocketAddress[] cands = new InetSocketAddress[count];
        for (int i = 0; i < count; i++) {
            if (!in.hasRemaining()) {
                throw new PairingCodeException(Reason.TRUNCATED, "the pairing code ends inside its address list");
            }
            int type = in.get() & 0xFF;
            int len = type == TYPE_IPV4 ? 4 : type == TYPE_IPV6 ? 16 : -1;
            if (len < 0) {
                throw new PairingCodeException(Reason.BAD_ADDRESS, "unknown address type " + type);
            }
            if (in.remaining() < len + 2) {
                throw new PairingCodeException(Reason.TRUNCATED, "the pairing code ends inside its address list");
            }
            byte[] addr = new byte[len];
            in.get(addr);
            int port = in.getShort() & 0xFFFF;
            InetAddress ia;
            try {
                ia = InetAddress.getByAddress(addr);
            } catch (UnknownHostException e) {
                throw new PairingCodeException(Reason.BAD_ADDRESS, "bad address");
            }
            if (type == TYPE_IPV6 && !(ia instanceof Inet6Address)) {
                // an IPv4-mapped IPv6 address: the JDK turns it into IPv4; an encoder never writes it
                throw new PairingCodeException(Reason.BAD_ADDRESS, "IPv4-mapped address in an IPv6 slot");
            }
            String why = unusable(ia, port);
            if (why != null) {
                throw new PairingCodeException(Reason.BAD_ADDRESS, why);
            }
            cands[i] = new InetSocketAddress(ia, port);
        }
        if (in.hasRemaining()) {
            throw new PairingCodeException(Reason.TRAILING_DATA, "the pairing code has unread bytes after its addresses");
        }
        return new PairingCode(DeviceId.of(idText), PeerIdentity.fromRaw(key), Arrays.asList(cands), token,
                Instant.ofEpochSecond(expiry));
    }

    private static String unusable(InetAddress a, int port) {
        if (a == null) {
            return "unresolved address";
        }
        if (!(a instanceof Inet4Address) && !(a instanceof Inet6Address)) {
            return "not an IP address";
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return "wildcard or multicast address " + a.getHostAddress();
        }
        if (port < 1 || port > 65535) {
            return "bad port " + port;
        }
        return null;
    }

    // ------------------------------------------------------------------ base32 (RFC 4648, no padding)

    static String base32(byte[] data) {
        StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte x : data) {
            buffer = (buffer << 8) | (x & 0xFF);
            bits += 8;
            while (bits >= 5) {
                sb.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }

    static byte[] unbase32(String s) throws PairingCodeException {
        int rem = s.length() % 8;
        if (rem == 1 || rem == 3 || rem == 6) {
            throw new PairingCodeException(Reason.TRUNCATED, "the pairing code has a character too many or too few");
        }
        byte[] out = new byte[s.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int o = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int v;
            if (c >= 'A' && c <= 'Z') {
                v = c - 'A';
            } else if (c >= '2' && c <= '7') {
                v = c - '2' + 26;
            } else {
                throw new PairingCodeException(Reason.BAD_ENCODING, "character '" + printable(c)
                        + "' cannot appear in a pairing code");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[o++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
            buffer &= (1 << bits) - 1;
        }
        return out; // left-over bits (non-zero only in a non-canonical code) are checked by parse
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairingCode p && deviceId.equals(p.deviceId) && identity.equals(p.identity)
                && candidates.equals(p.candidates) && Arrays.equals(token, p.token) && expiry.equals(p.expiry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deviceId, identity, candidates, Arrays.hashCode(token), expiry);
    }
}
