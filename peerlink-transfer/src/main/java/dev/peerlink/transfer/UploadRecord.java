package dev.peerlink.transfer;

import java.util.BitSet;

/**
 * The persisted state of one upload session. {@code needed} (chunks the sender must send) is null until the
 * possession proof was checked; {@code challenge} is the encoded {@link PossessionChallenge} issued at start;
 * {@code context} is opaque text owned by the transport (target, file name, tier link), null when none.
 */
public record UploadRecord(String id, String device, Manifest manifest, State state, byte[] challenge, BitSet needed,
                           long createdAt, long updatedAt, String context) {
    public UploadRecord(String id, String device, Manifest manifest, State state, byte[] challenge, BitSet needed,
                        long createdAt, long updatedAt) {
        this(id, device, manifest, state, challenge, needed, createdAt, updatedAt, null);
    }

    public enum State {
        CHALLENGED, UPLOADING, COMPLETE, FAILED;

        String sql() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static State ofSql(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
