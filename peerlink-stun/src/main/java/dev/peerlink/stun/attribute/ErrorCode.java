package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** ERROR-CODE (RFC 8489 §14.8): a code 300–699 and a UTF-8 reason phrase of at most 763 bytes. */
public record ErrorCode(int code, String reason) implements StunAttribute {
    public static final int MAX_REASON_BYTES = 763;

    public static final int TRY_ALTERNATE = 300;
    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHENTICATED = 401;
    public static final int FORBIDDEN = 403;
    public static final int UNKNOWN_ATTRIBUTE = 420;
    public static final int STALE_NONCE = 438;
    public static final int SERVER_ERROR = 500;

    public ErrorCode {
        Objects.requireNonNull(reason, "reason");
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("error code out of range: " + code);
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("reason phrase too long");
        }
    }

    public static ErrorCode of(int code) {
        return new ErrorCode(code, defaultReason(code));
    }

    public static String defaultReason(int code) {
        return switch (code) {
            case 300 -> "Try Alternate";
            case 400 -> "Bad Request";
            case 401 -> "Unauthenticated";
            case 403 -> "Forbidden";
            case 420 -> "Unknown Attribute";
            case 438 -> "Stale Nonce";
            case 500 -> "Server Error";
            default -> "Error";
        };
    }

    @Override
    public int type() {
        return AttributeType.ERROR_CODE;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u16(0);
        out.u8(code / 100);
        out.u8(code % 100);
        out.bytes(reason.getBytes(StandardCharsets.UTF_8));
    }
}
