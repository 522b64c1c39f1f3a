package dev.peerlink.portmap.internal;

import java.net.Inet4Address;

/** NAT-PMP messages (RFC 6886). Ports and lifetimes are unsigned values held in ints/longs. */
public sealed interface NatPmpMessage {
    int VERSION = 0;
    int OP_EXTERNAL_ADDRESS = 0;
    int OP_MAP_UDP = 1;
    int OP_MAP_TCP = 2;
    int RESPONSE_BIT = 128;

    /** Result codes, section 3.5. */
    int SUCCESS = 0;
    int UNSUPPORTED_VERSION = 1;
    int NOT_AUTHORIZED = 2;
    int NETWORK_FAILURE = 3;
    int OUT_OF_RESOURCES = 4;
    int UNSUPPORTED_OPCODE = 5;

    int opcode();

    /** Opcode 0 request: 2 bytes. */
    record ExternalAddressRequest() implements NatPmpMessage {
        public int opcode() {
            return OP_EXTERNAL_ADDRESS;
        }
    }

    /** Opcode 1 (UDP) or 2 (TCP) request: 12 bytes. A lifetime of 0 with external port 0 deletes. */
    record MapRequest(int opcode, int internalPort, int suggestedExternalPort, long lifetimeSeconds) implements NatPmpMessage {
        public MapRequest {
            if (opcode != OP_MAP_UDP && opcode != OP_MAP_TCP) {
                throw new IllegalArgumentException("map opcode must be 1 or 2: " + opcode);
            }
            NatPmpCodec.checkU16(internalPort, "internal port");
            NatPmpCodec.checkU16(suggestedExternalPort, "external port");
            NatPmpCodec.checkU32(lifetimeSeconds, "lifetime");
        }
    }

    /** Response header common to all responses: result code and seconds since start of epoch. */
    sealed interface Response extends NatPmpMessage {
        int resultCode();

        long epochSeconds();
    }

    /** Response to opcode 0: 12 bytes. */
    record ExternalAddressResponse(int resultCode, long epochSeconds, Inet4Address externalAddress) implements Response {
        public int opcode() {
            return OP_EXTERNAL_ADDRESS;
        }
    }

    /** Response to opcode 1/2: 16 bytes. */
    record MapResponse(int opcode, int resultCode, long epochSeconds, int internalPort, int externalPort,
                       long lifetimeSeconds) implements Response {
    }

    /**
     * A response carrying only the common 8-byte header: what servers send for an unsupported version or opcode
     * (RFC 6886 section 3.5: "the response ... MUST at least contain the version, opcode and result code").
     */
    record ErrorResponse(int opcode, int resultCode, long epochSeconds) implements Response {
    }
}
