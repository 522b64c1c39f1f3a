package dev.peerlink.stun;

/**
 * A STUN method: a 12-bit number. Constants cover STUN (RFC 8489) and TURN (RFC 8656);
 * any other value is representable so that unknown methods can be decoded and answered.
 */
public record StunMethod(int code) {
    public static final StunMethod BINDING = new StunMethod(0x001);
    public static final StunMethod ALLOCATE = new StunMethod(0x003);
    public static final StunMethod REFRESH = new StunMethod(0x004);
    public static final StunMethod SEND = new StunMethod(0x006);
    public static final StunMethod DATA = new StunMethod(0x007);
    public static final StunMethod CREATE_PERMISSION = new StunMethod(0x008);
    public static final StunMethod CHANNEL_BIND = new StunMethod(0x009);

    public StunMethod {
        if (code < 0 || code > 0xFFF) {
            throw new IllegalArgumentException("STUN method is 12 bits: " + code);
        }
    }

    public static StunMethod of(int code) {
        return switch (code) {
            case 0x001 -> BINDING;
            case 0x003 -> ALLOCATE;
            case 0x004 -> REFRESH;
            case 0x006 -> SEND;
            case 0x007 -> DATA;
            case 0x008 -> CREATE_PERMISSION;
            case 0x009 -> CHANNEL_BIND;
            default -> new StunMethod(code);
        };
    }

    /** Packs method and class into the 14-bit message type field (RFC 8489 figure 3). */
    public int messageType(StunClass cls) {
        int m = code;
        int c = cls.bits();
        return (m & 0x000F) | ((c & 0b01) << 4) | ((m & 0x0070) << 1) | ((c & 0b10) << 7) | ((m & 0x0F80) << 2);
    }

    public static StunMethod fromMessageType(int type) {
        return of((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
    }

    public static StunClass classFromMessageType(int type) {
        return StunClass.ofBits(((type >> 4) & 0b01) | ((type >> 7) & 0b10));
    }

    @Override
    public String toString() {
        return switch (code) {
            case 0x001 -> "Binding";
            case 0x003 -> "Allocate";
            case 0x004 -> "Refresh";
            case 0x006 -> "Send";
            case 0x007 -> "Data";
            case 0x008 -> "CreatePermission";
            case 0x009 -> "ChannelBind";
            default -> String.format("Method(0x%03x)", code);
        };
    }
}
