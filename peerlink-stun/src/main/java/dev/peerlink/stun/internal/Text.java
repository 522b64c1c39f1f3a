package dev.peerlink.stun.internal;

import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunDecodeException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding for text attributes: malformed bytes are a decode error, not U+FFFD. */
public final class Text {
    private Text() {}

    public static String utf8(byte[] msg, int off, int len, int maxBytes, String what) throws StunDecodeException {
        if (len > maxBytes) {
            throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, what + " longer than " + maxBytes + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(msg, off, len))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, what + " is not UTF-8");
        }
    }
}
