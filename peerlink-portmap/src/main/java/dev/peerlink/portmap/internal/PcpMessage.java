package dev.peerlink.portmap.internal;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/** PCP messages (RFC 6887): the common header plus the MAP opcode; other opcodes are carried header-only. */
public final class PcpMessage {
    public static final int VERSION = 2;
    public static final int OP_ANNOUNCE = 0;
    public static final int OP_MAP = 1;
    public static final int OP_PEER = 2;
    public static final int RESPONSE_BIT = 0x80;
    /** Section 7: messages are at most 1100 bytes, a multiple of 4. */
    public static final int MAX_SIZE = 1100;
    public static final int NONCE_SIZE = 12;

    /** Result codes, section 7.4. */
    public static final int SUCCESS = 0;
    public static final int UNSUPP_VERSION = 1;
    public static final int NOT_AUTHORIZED = 2;
    public static final int MALFORMED_REQUEST = 3;
    public static final int UNSUPP_OPCODE = 4;
    public static final int UNSUPP_OPTION = 5;
    public static final int MALFORMED_OPTION = 6;
    public static final int NETWORK_FAILURE = 7;
    public static final int NO_RESOURCES = 8;
    public static final int UNSUPP_PROTOCOL = 9;
    public static final int USER_EX_QUOTA = 10;
    public static final int CANNOT_PROVIDE_EXTERNAL = 11;
    public static final int ADDRESS_MISMATCH = 12;
    public static final int EXCESSIVE_REMOTE_PEERS = 13;

    private PcpMessage() {
    }

    /** Whether a result code says "try again later" (short-lived errors, section 7.4) rather than "never". */
    public static boolean isTransient(int resultCode) {
        return resultCode == NETWORK_FAILURE || resultCode == NO_RESOURCES || resultCode == USER_EX_QUOTA
                || resultCode == CANNOT_PROVIDE_EXTERNAL || resultCode == EXCESSIVE_REMOTE_PEERS;
    }

    /** A PCP option: code, and data without padding. */
    public record Option(int code, byte[] data) {
        public Option {
            if (code < 0 || code > 255 || data.length > 0xffff) {
                throw new IllegalArgumentException("bad option");
            }
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Option other && other.code == code && Arrays.equals(other.data, data);
        }

        @Override
        public int hashCode() {
            return code * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Option[" + code + ", " + HexFormat.of().formatHex(data) + "]";
        }
    }

    /**
     * The MAP opcode body (section 11.1): the same layout in requests (suggested port / address) and responses
     * (assigned port / address).
     *
     * @param protocol IANA protocol number, 0 = all protocols
     */
    public record MapData(byte[] nonce, int protocol, int internalPort, int externalPort, InetAddress externalAddress) {
        public MapData {
            if (nonce.length != NONCE_SIZE) {
                throw new IllegalArgumentException("nonce must be 12 bytes");
            }
            nonce = nonce.clone();
            if (protocol < 0 || protocol > 255) {
                throw new IllegalArgumentException("protocol out of range: " + protocol);
            }
            NatPmpCodec.checkU16(internalPort, "internal port");
            NatPmpCodec.checkU16(externalPort, "external port");
            Objects.requireNonNull(externalAddress);
        }

        @Override
        public byte[] nonce() {
            return nonce.clone();
        }

        public boolean nonceEquals(byte[] other) {
            return Arrays.equals(nonce, other);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MapData m && Arrays.equals(m.nonce, nonce) && m.protocol == protocol
                    && m.internalPort == internalPort && m.externalPort == externalPort
                    && m.externalAddress.equals(externalAddress);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(nonce), protocol, internalPort, externalPort, externalAddress);
        }

        @Override
        public String toString() {
            return "MapData[nonce=" + HexFormat.of().formatHex(nonce) + ", protocol=" + protocol + ", internalPort="
                    + internalPort + ", externalPort=" + externalPort + ", externalAddress="
                    + externalAddress.getHostAddress() + "]";
        }
    }

    /**
     * A request. {@code map} is non-null exactly when {@code opcode == OP_MAP}.
     *
     * @param clientAddress the client's own address as it sends the request (the server checks it: ADDRESS_MISMATCH)
     */
    public record Request(int opcode, long lifetimeSeconds, InetAddress clientAddress, MapData map, List<Option> options) {
        public Request {
            if (opcode < 0 || opcode > 127) {
                throw new IllegalArgumentException("opcode out of range: " + opcode);
            }
            NatPmpCodec.checkU32(lifetimeSeconds, "lifetime");
            Objects.requireNonNull(clientAddress);
            if ((opcode == OP_MAP) != (map != null)) {
                throw new IllegalArgumentException("MAP data goes with the MAP opcode only");
            }
            options = List.copyOf(options);
        }
    }

    /** A response. {@code map} is non-null when {@code opcode == OP_MAP} and the body was present. */
    public record Response(int opcode, int resultCode, long lifetimeSeconds, long epochSeconds, MapData map,
                           List<Option> options) {
        public Response {
            if (opcode < 0 || opcode > 127 || resultCode < 0 || resultCode > 255) {
                throw new IllegalArgumentException("opcode/result out of range");
            }
            NatPmpCodec.checkU32(lifetimeSeconds, "lifetime");
            NatPmpCodec.checkU32(epochSeconds, "epoch");
            options = List.copyOf(options);
        }
    }
}
