package dev.peerlink.transfer;

/**
 * A content to be delivered to a target device; acknowledged deliveries become {@link State#DELIVERED}.
 * {@code name} is the sender's file name (null for a text message or when not given).
 */
public record Delivery(long id, ContentId content, String senderDevice, String targetDevice, State state, int attempts,
                       long createdAt, long updatedAt, String name) {
    public enum State {
        PENDING, DELIVERED, FAILED;

        String sql() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static State ofSql(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
