package dev.peerlink.cast;

/**
 * What a cast endpoint reports, one per line as JSON in the CLI: {@code waiting} (with the pairing code),
 * {@code casting} (path, peer, setup time), {@code refused}, {@code ended} (with why).
 */
public record CastEvent(String event, String path, String peer, long setupMs, String detail) {
    public static CastEvent waiting(String code) {
        return new CastEvent("waiting", null, null, -1, code);
    }

    public static CastEvent casting(CastLink link) {
        return new CastEvent("casting", link.path(), link.peerId(), link.setupTime().toMillis(), null);
    }

    public static CastEvent refused(String peer, String why) {
        return new CastEvent("refused", null, peer, -1, why);
    }

    public static CastEvent ended(CastLink link, String why) {
        return new CastEvent("ended", link.path(), link.peerId(), -1, why);
    }

    /** One JSON object, the fields that are set. */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\"event\":\"").append(event).append('"');
        if (path != null) {
            b.append(",\"path\":\"").append(path).append('"');
        }
        if (peer != null) {
            b.append(",\"peer\":\"").append(escape(peer)).append('"');
        }
        if (setupMs >= 0) {
            b.append(",\"setupMs\":").append(setupMs);
        }
        if (detail != null) {
            b.append(",\"").append(event.equals("waiting") ? "code" : "detail").append("\":\"").append(escape(detail)).append('"');
        }
        return b.append('}').toString();
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
