package dev.peerlink.server.cluster;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One message between instances: what happened ({@link Kind}), the sending instance, the device it concerns on the
 * receiving instance, and for sessions their id, the initiator's request id and answer deadline; {@code body} is a
 * signalling message (protocol JSON) to hand to that device. Text on the wire: URL-encoded header fields, one per
 * line, then the body.
 */
public record ClusterMessage(Kind kind, String from, String device, String session, String rid, long deadline, String body) {
    public enum Kind {
        /** A connect for {@code device} brokered on {@code from}: mirror the session, deliver the {@code incoming} body. */
        OFFER,
        /** The target answered {@code session}: update the initiator's session, deliver the {@code answered} body. */
        ANSWERED,
        /** Deliver {@code body} to {@code device} (signals, notices, errors); a session, if named, is touched. */
        DELIVER,
        /** {@code device} registered on {@code from}: close its connection here. */
        REPLACED,
        /** Broadcast: {@code device}'s aliases changed on {@code from}; forget what is cached of it. */
        ALIASES,
        /** Provider {@code device} answered (on {@code from}) an access request of a find waiting here; {@code body}. */
        SHARE_ANSWER
    }

    public static ClusterMessage deliver(String from, String device, String session, String body) {
        return new ClusterMessage(Kind.DELIVER, from, device, session, null, 0, body);
    }

    public String encode() {
        return String.join("\n", kind.name(), enc(from), enc(device), enc(session), enc(rid), Long.toString(deadline),
                body == null ? "" : body);
    }

    public static ClusterMessage decode(String text) {
        String[] f = text.split("\n", 7);
        if (f.length != 7) {
            throw new IllegalArgumentException("cluster message with " + f.length + " fields");
        }
        return new ClusterMessage(Kind.valueOf(f[0]), dec(f[1]), dec(f[2]), dec(f[3]), dec(f[4]), Long.parseLong(f[5]),
                f[6].isEmpty() ? null : f[6]);
    }

    private static String enc(String s) {
        return s == null ? "-" : "=" + URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return s.equals("-") ? null : URLDecoder.decode(s.substring(1), StandardCharsets.UTF_8);
    }
}
