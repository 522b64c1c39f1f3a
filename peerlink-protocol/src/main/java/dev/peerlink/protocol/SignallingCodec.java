package dev.peerlink.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The pure signalling codec: a frame's text or bytes in, a typed {@link Message} or a
 * {@link ProtocolException} with a {@link ProtocolException.Code} out, and back. No I/O, thread-safe.
 *
 * <p>Limits: frames up to {@code maxBytes} (default 64 KiB), nesting up to {@code maxDepth} (default
 * 16), numbers up to 32 digits, field names up to 256 characters; duplicate keys and trailing
 * content are malformed. Unknown fields are ignored. Message types come from a fixed table: the
 * input never names a class.
 */
public final class SignallingCodec {
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_DEPTH = 16;

    private static final SignallingCodec DEFAULT = new SignallingCodec(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH);

    private final Json json;
    private final int maxBytes;

    public SignallingCodec(int maxBytes, int maxDepth) {
        if (maxBytes < 256 || maxDepth < 6) {
            throw new IllegalArgumentException("limits too small for the protocol");
        }
        this.maxBytes = maxBytes;
        this.json = maxBytes == DEFAULT_MAX_BYTES && maxDepth == DEFAULT_MAX_DEPTH && Json.DEFAULT != null
                ? Json.DEFAULT : new Json(maxBytes, maxDepth);
    }

    public static SignallingCodec standard() {
        return DEFAULT;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public Message decode(String frame) throws ProtocolException {
        if (frame.length() > maxBytes) {
            throw new ProtocolException(ProtocolException.Code.TOO_LARGE, "frame larger than " + maxBytes + " bytes");
        }
        return decode(frame.getBytes(StandardCharsets.UTF_8));
    }

    public Message decode(byte[] frame) throws ProtocolException {
        return json.decode(frame);
    }

    public String encode(Message message) {
        return json.encode(message);
    }

    /** {@link NetworkInfo} as a standalone JSON object, as inside messages. */
    public String encodeNetwork(NetworkInfo network) {
        return json.networkJson(network);
    }

    public NetworkInfo decodeNetwork(String text) throws ProtocolException {
        return json.parseNetwork(text);
    }
}
