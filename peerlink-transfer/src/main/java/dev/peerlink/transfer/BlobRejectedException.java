package dev.peerlink.transfer;

/** A blob was refused and nothing was stored. */
public final class BlobRejectedException extends Exception {
    public enum Reason { HASH_MISMATCH, TOO_LARGE }

    private final Reason reason;

    public BlobRejectedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
