package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;

/** RESPONSE-PORT (RFC 5780 §7.5): the port the response should be sent to (UDP only). */
public record ResponsePort(int port) implements StunAttribute {
    public ResponsePort {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    @Override
    public int type() {
        return AttributeType.RESPONSE_PORT;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u16(port);
        out.u16(0);
    }
}
