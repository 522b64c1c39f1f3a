package dev.peerlink.turn;

/** Attribute type codes of TURN (RFC 8656) and TURN over TCP (RFC 6062). */
public final class TurnAttributeType {
    private TurnAttributeType() {}

    public static final int CHANNEL_NUMBER = 0x000C;
    public static final int LIFETIME = 0x000D;
    public static final int XOR_PEER_ADDRESS = 0x0012;
    public static final int DATA = 0x0013;
    public static final int XOR_RELAYED_ADDRESS = 0x0016;
    public static final int REQUESTED_ADDRESS_FAMILY = 0x0017;
    public static final int EVEN_PORT = 0x0018;
    public static final int REQUESTED_TRANSPORT = 0x0019;
    public static final int DONT_FRAGMENT = 0x001A;
    public static final int RESERVATION_TOKEN = 0x0022;
    public static final int CONNECTION_ID = 0x002A; // RFC 6062
    public static final int ADDITIONAL_ADDRESS_FAMILY = 0x8000;
    /**
     * ADDITIONAL-ADDRESS-FAMILY's code in the turnbis drafts, still sent by coturn 4.6 clients ({@code
     * turnutils_uclient -Z}); decoded as ADDITIONAL-ADDRESS-FAMILY, never sent.
     */
    public static final int ADDITIONAL_ADDRESS_FAMILY_DRAFT = 0x8032;
    public static final int ADDRESS_ERROR_CODE = 0x8001;
    public static final int ICMP = 0x8004;
}
