package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;

/**
 * PASSWORD-ALGORITHM (RFC 8489 §14.12): the algorithm the client chose for the long-term key.
 * MD5 and SHA-256, the only registered ones, take no parameters; parameters of unknown
 * algorithms are not kept.
 */
public record PasswordAlgorithm(int algorithm) implements StunAttribute {
    public static final int MD5 = 0x0001;
    public static final int SHA256 = 0x0002;

    public PasswordAlgorithm {
        if (algorithm < 0 || algorithm > 0xFFFF) {
            throw new IllegalArgumentException("algorithm out of range: " + algorithm);
        }
    }

    @Override
    public int type() {
        return AttributeType.PASSWORD_ALGORITHM;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u16(algorithm);
        out.u16(0);
    }
}
