package dev.peerlink.protocol;

/** Field checks shared by the message records. */
final class Check {
    private Check() {}

    static String rid(String rid, boolean required) {
        if (rid == null ? required : !Message.RID.matcher(rid).matches()) {
            throw new IllegalArgumentException("rid must be 1-64 printable ASCII characters");
        }
        return rid;
    }

    static String session(String session) {
        if (session == null || !Message.SESSION.matcher(session).matches()) {
            throw new IllegalArgumentException("session must be 8-64 characters of [A-Za-z0-9_-]");
        }
        return session;
    }

    static <T> T required(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    static String shortText(String s, String name, int max) {
        if (s != null && s.length() > max) {
            throw new IllegalArgumentException(name + " longer than " + max);
        }
        return s;
    }

}
