package dev.peerlink.turn.server.internal;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.attribute.ChangeRequest;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.attribute.MappedAddress;
import dev.peerlink.stun.attribute.UnknownAttributes;
import dev.peerlink.stun.attribute.XorMappedAddress;
import dev.peerlink.turn.TurnErrors;
import java.net.InetSocketAddress;
import java.util.List;

/** Encodes responses. Unauthenticated replies still get FINGERPRINT when the request had one (ICE agents demultiplex on it). */
final class Replies {
    private Replies() {}

    static byte[] success(StunMessage req, MessageProtection protection, StunAttribute... attributes) {
        StunMessage.Builder b = req.respond(StunClass.SUCCESS_RESPONSE);
        for (StunAttribute a : attributes) {
            b.add(a);
        }
        return StunEncoder.standard().encode(b.build(), protection);
    }

    static byte[] error(StunMessage req, int code, MessageProtection protection, List<StunAttribute> extra) {
        StunMessage.Builder b = req.respond(StunClass.ERROR_RESPONSE).add(new ErrorCode(code, TurnErrors.reason(code)));
        extra.forEach(b::add);
        return StunEncoder.standard().encode(b.build(), protection);
    }

    static byte[] unknownAttributes(StunMessage req, MessageProtection protection, List<Integer> unknown) {
        return error(req, TurnErrors.UNKNOWN_ATTRIBUTE, protection, List.of(new UnknownAttributes(unknown)));
    }

    /**
     * The answer to a Binding request, which needs no credentials. An RFC 3489 client gets
     * MAPPED-ADDRESS, as it cannot read XOR-MAPPED-ADDRESS (RFC 8489 §12). A relay has no alternate
     * address, so a CHANGE-REQUEST asking for a change gets 420 (RFC 5780 §6.1) rather than an answer
     * from the same address that would make a 3489 client's NAT test conclude "open".
     */
    static byte[] binding(StunMessage req, InetSocketAddress client, List<Integer> unknown) {
        MessageProtection p = unprotected(req);
        if (!unknown.isEmpty()) {
            return unknownAttributes(req, p, unknown);
        }
        if (req.attribute(ChangeRequest.class).filter(c -> c.changeIp() || c.changePort()).isPresent()) {
            return unknownAttributes(req, p, List.of(AttributeType.CHANGE_REQUEST));
        }
        return success(req, p, req.isClassic() ? new MappedAddress(client) : new XorMappedAddress(client));
    }

    /** Protection for replies that carry no integrity (no key yet, or 401/438). */
    static MessageProtection unprotected(StunMessage req) {
        return req.has(AttributeType.FINGERPRINT) ? MessageProtection.FINGERPRINT : MessageProtection.NONE;
    }
}
