package dev.peerlink.stun.server.internal;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.attribute.UnknownAttributes;
import dev.peerlink.stun.server.StunReply;
import java.util.List;

/** Error responses: ERROR-CODE, UNKNOWN-ATTRIBUTES for 420, FINGERPRINT when the request had one. */
public final class ErrorReplies {
    private ErrorReplies() {}

    public static StunReply error(StunMessage request, int code) {
        StunMessage m = request.respond(StunClass.ERROR_RESPONSE).add(ErrorCode.of(code)).build();
        return StunReply.of(m, protection(request));
    }

    public static StunReply unknownAttributes(StunMessage request, List<Integer> types) {
        StunMessage m = request.respond(StunClass.ERROR_RESPONSE)
                .add(ErrorCode.of(ErrorCode.UNKNOWN_ATTRIBUTE))
                .add(new UnknownAttributes(types))
                .build();
        return StunReply.of(m, protection(request));
    }

    /** Clients that sent FINGERPRINT (to demultiplex STUN from media) get it back. */
    public static MessageProtection protection(StunMessage request) {
        return request.has(AttributeType.FINGERPRINT) ? MessageProtection.FINGERPRINT : MessageProtection.NONE;
    }
}
