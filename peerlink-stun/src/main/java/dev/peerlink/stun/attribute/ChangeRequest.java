package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;

/** CHANGE-REQUEST (RFC 5780 §7.2): asks the server to answer from its other IP and/or port. */
public record ChangeRequest(boolean changeIp, boolean changePort) implements StunAttribute {
    public static final int CHANGE_IP = 0x04;
    public static final int CHANGE_PORT = 0x02;

    @Override
    public int type() {
        return AttributeType.CHANGE_REQUEST;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u32((changeIp ? CHANGE_IP : 0) | (changePort ? CHANGE_PORT : 0));
    }
}
