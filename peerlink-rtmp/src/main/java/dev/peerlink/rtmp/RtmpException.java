package dev.peerlink.rtmp;

/**
 * Malformed or hostile RTMP / AMF0 / FLV input, or a peer breaking the protocol. Carries a typed {@link Reason}; has
 * no stack trace because garbage from the network is expected traffic and must stay cheap to reject.
 */
public final class RtmpException extends Exception {
    /** Why the bytes or the exchange were rejected. Grouped by layer. */
    public enum Reason {
        // handshake
        BAD_VERSION,
        HANDSHAKE_MISMATCH,
        BAD_DIGEST,
        // chunk stream and protocol control
        BAD_CHUNK_HEADER,
        NO_PREVIOUS_HEADER,
        BAD_CHUNK_SIZE,
        MESSAGE_TOO_LARGE,
        TOO_MANY_CHUNK_STREAMS,
        BAD_CONTROL_MESSAGE,
        // AMF0 and commands
        BAD_AMF_TYPE,
        AMF_TOO_DEEP,
        AMF_TOO_LARGE,
        BAD_COMMAND,
        // FLV and media
        BAD_FLV_HEADER,
        BAD_FLV_TAG,
        // any layer
        TRUNCATED,
        PROTOCOL
    }

    private final Reason reason;

    public RtmpException(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
