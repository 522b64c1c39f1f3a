package dev.peerlink.stun.server.internal;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.attribute.ChangeRequest;
import dev.peerlink.stun.attribute.ChangedAddress;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.attribute.MappedAddress;
import dev.peerlink.stun.attribute.OtherAddress;
import dev.peerlink.stun.attribute.Padding;
import dev.peerlink.stun.attribute.ResponseOrigin;
import dev.peerlink.stun.attribute.ResponsePort;
import dev.peerlink.stun.attribute.Software;
import dev.peerlink.stun.attribute.SourceAddress;
import dev.peerlink.stun.attribute.XorMappedAddress;
import dev.peerlink.stun.server.StunMethodHandler;
import dev.peerlink.stun.server.StunReply;
import dev.peerlink.stun.server.StunRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Binding (RFC 8489 §7.3, RFC 5780 §6.1). The response carries XOR-MAPPED-ADDRESS, MAPPED-ADDRESS
 * (for RFC 3489 clients), with an alternate RESPONSE-ORIGIN and OTHER-ADDRESS, then SOFTWARE, PADDING
 * when asked for, FINGERPRINT when the request had one. If that would break the amplification rule,
 * optional attributes go in this order until it fits: SOFTWARE, MAPPED-ADDRESS, RESPONSE-ORIGIN,
 * OTHER-ADDRESS. XOR-MAPPED-ADDRESS, PADDING (sized to fit) and FINGERPRINT always stay. An RFC 3489
 * request (no magic cookie) gets the 3489 form instead, see {@link #classic}.
 */
public final class BindingHandler implements StunMethodHandler {

    private final Software software;
    private final int softwareSize;

    public BindingHandler(Optional<String> software) {
        this.software = software.map(Software::new).orElse(null);
        this.softwareSize = this.software == null ? 0
                : WireSize.value(this.software.value().getBytes(StandardCharsets.UTF_8).length);
    }

    @Override
    public StunReply handle(StunRequest request) {
        StunMessage msg = request.message();
        if (msg.messageClass() != StunClass.REQUEST) {
            return null; // Binding indications are keepalives: accepted, never answered.
        }
        ChangeRequest change = null;
        ResponsePort responsePort = null;
        Padding padding = null;
        for (var a : msg.attributes()) {
            switch (a) {
                case ChangeRequest c -> change = c;
                case ResponsePort r -> responsePort = r;
                case Padding p -> padding = p;
                default -> { }
            }
        }
        boolean rfc5780 = request.otherAddress().isPresent();
        // RFC 3489 clients put CHANGE-REQUEST in every request, so only a change they ask for counts.
        boolean asksChange = change != null && (!msg.isClassic() || change.changeIp() || change.changePort());
        if (asksChange && !rfc5780) {
            // RFC 5780 §6.1: without an alternate address and port, CHANGE-REQUEST gets 420.
            return ErrorReplies.unknownAttributes(msg, List.of(AttributeType.CHANGE_REQUEST));
        }
        boolean changeIp = change != null && change.changeIp();
        boolean changePort = change != null && change.changePort();
        if (padding != null && responsePort != null) {
            return ErrorReplies.error(msg, ErrorCode.BAD_REQUEST); // RFC 5780 §6.1
        }
        if (request.protocol() == StunRequest.Protocol.TCP && (changeIp || changePort || responsePort != null)) {
            // A TCP reply can only go back on its connection.
            return ErrorReplies.error(msg, ErrorCode.BAD_REQUEST);
        }
        if (responsePort != null && responsePort.port() == 0) {
            return ErrorReplies.error(msg, ErrorCode.BAD_REQUEST);
        }
        if (msg.isClassic()) {
            return classic(request, msg, changeIp, changePort);
        }
        return success(request, msg, changeIp, changePort, padding != null,
                responsePort == null ? 0 : responsePort.port());
    }

    /**
     * The RFC 3489 answer (RFC 8489 §12): MAPPED-ADDRESS, not XOR-MAPPED-ADDRESS (old clients treat an
     * unknown comprehension-required attribute as a parse failure), then with an alternate
     * SOURCE-ADDRESS and CHANGED-ADDRESS (3489's RESPONSE-ORIGIN and OTHER-ADDRESS), then SOFTWARE.
     * Over the amplification budget, SOFTWARE goes first, then SOURCE-ADDRESS, then CHANGED-ADDRESS.
     */
    private StunReply classic(StunRequest request, StunMessage msg, boolean changeIp, boolean changePort) {
        InetSocketAddress mapped = request.source();
        InetSocketAddress origin = request.origin(changeIp, changePort).orElse(null);
        InetSocketAddress changed = request.otherAddress().orElse(null);
        int budget = request.maxReplyLength();
        int total = WireSize.HEADER + WireSize.address(mapped);
        StunMessage.Builder b = msg.respond(StunClass.SUCCESS_RESPONSE).add(new MappedAddress(mapped));
        if (changed != null) {
            int withBoth = total + WireSize.address(origin) + WireSize.address(changed);
            if (withBoth <= budget) {
                b.add(new SourceAddress(origin));
                total += WireSize.address(origin);
            }
            if (total + WireSize.address(changed) <= budget) {
                b.add(new ChangedAddress(changed));
                total += WireSize.address(changed);
            }
        }
        if (software != null && total + softwareSize <= budget) {
            b.add(software);
        }
        return StunReply.of(b.build(), MessageProtection.NONE).sentFrom(changeIp, changePort);
    }

    private StunReply success(StunRequest request, StunMessage msg, boolean changeIp, boolean changePort,
                              boolean padded, int responsePort) {
        InetSocketAddress mapped = request.source();
        InetSocketAddress origin = request.otherAddress().isPresent()
                ? request.origin(changeIp, changePort).orElseThrow() : null;
        InetSocketAddress other = request.otherAddress().orElse(null);
        MessageProtection protection = ErrorReplies.protection(msg);

        int addr = WireSize.address(mapped);
        int mandatory = WireSize.HEADER + addr + (protection.fingerprint() ? WireSize.FINGERPRINT : 0)
                + (padded ? 4 : 0);
        // Optional attributes in the order they are given up, with their sizes.
        int sizeSoftware = softwareSize;
        int sizeMapped = addr;
        int sizeOrigin = origin == null ? 0 : WireSize.address(origin);
        int sizeOther = other == null ? 0 : WireSize.address(other);
        int budget = request.maxReplyLength();
        int total = mandatory + sizeOther + sizeOrigin + sizeMapped + sizeSoftware;
        boolean withSoftware = software != null;
        boolean withMapped = true;
        boolean withOrigin = origin != null;
        boolean withOther = other != null;
        if (total > budget && withSoftware) {
            total -= sizeSoftware;
            withSoftware = false;
        }
        if (total > budget) {
            total -= sizeMapped;
            withMapped = false;
        }
        if (total > budget && withOrigin) {
            total -= sizeOrigin;
            withOrigin = false;
        }
        if (total > budget && withOther) {
            total -= sizeOther;
            withOther = false;
        }

        StunMessage.Builder b = msg.respond(StunClass.SUCCESS_RESPONSE).add(new XorMappedAddress(mapped));
        if (withMapped) {
            b.add(new MappedAddress(mapped));
        }
        if (withOrigin) {
            b.add(new ResponseOrigin(origin));
        }
        if (withOther) {
            b.add(new OtherAddress(other));
        }
        if (withSoftware) {
            b.add(software);
        }
        if (padded) {
            // RFC 5780 §6.1: PADDING makes the response the same size as the request (as far as
            // 4-byte alignment allows; never larger than the request unless the rest already is).
            b.add(new Padding(Math.max(0, (request.wireLength() - total) & ~3)));
        }
        return StunReply.of(b.build(), protection).sentFrom(changeIp, changePort).toPort(responsePort);
    }
}
