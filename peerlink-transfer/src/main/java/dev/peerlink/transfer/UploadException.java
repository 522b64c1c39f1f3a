package dev.peerlink.transfer;

/** An upload request was refused; nothing it carried was stored. */
public final class UploadException extends Exception {
    public enum Reason {
        /** the manifest breaks a limit or uses chunking parameters this server does not accept */
        BAD_MANIFEST,
        /** no such session for this device */
        UNKNOWN_SESSION,
        /** the session is not in a state that allows the call (e.g. chunks before the proof) */
        WRONG_STATE,
        BAD_CHUNK_INDEX,
        /** the chunk's bytes do not hash to the manifest's chunk id, or are too long */
        CORRUPT_CHUNK,
        /** finish called while chunks are still missing */
        INCOMPLETE,
        /** all chunks matched the manifest but their concatenation does not hash to the content id: session failed */
        CONTENT_MISMATCH
    }

    private final Reason reason;

    public UploadException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
