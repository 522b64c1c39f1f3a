package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import java.util.List;

/** PASSWORD-ALGORITHMS (RFC 8489 §14.11): the algorithms a server offers, in its order of preference. */
public record PasswordAlgorithms(List<Integer> algorithms) implements StunAttribute {
    public PasswordAlgorithms {
        algorithms = List.copyOf(algorithms);
        for (int a : algorithms) {
            if (a < 0 || a > 0xFFFF) {
                throw new IllegalArgumentException("algorithm out of range: " + a);
            }
        }
    }

    @Override
    public int type() {
        return AttributeType.PASSWORD_ALGORITHMS;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        for (int a : algorithms) {
            out.u16(a);
            out.u16(0);
        }
    }
}
