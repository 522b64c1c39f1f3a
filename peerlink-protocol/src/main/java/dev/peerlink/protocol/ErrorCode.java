package dev.peerlink.protocol;

/** The {@code code} values of {@link Message.Error}. Clients must treat unknown codes as failures. */
public final class ErrorCode {
    private ErrorCode() {}

    // Frame-level (ProtocolException.Code wire names)
    public static final String MALFORMED = "malformed";
    public static final String TOO_LARGE = "too-large";
    public static final String TOO_DEEP = "too-deep";
    public static final String UNKNOWN_TYPE = "unknown-type";
    public static final String UNSUPPORTED_VERSION = "unsupported-version";
    public static final String INVALID = "invalid";
    // Registration
    public static final String BAD_SIGNATURE = "bad-signature";
    public static final String KEY_MISMATCH = "key-mismatch";
    public static final String ENROLL_REQUIRED = "enroll-required";
    public static final String ALIAS_TAKEN = "alias-taken";
    public static final String NOT_REGISTERED = "not-registered";
    public static final String ALREADY_REGISTERED = "already-registered";
    /** Another connection registered as this device; this one is closed. */
    public static final String REPLACED = "replaced";
    // Brokering
    public static final String OFFLINE = "offline";
    public static final String UNKNOWN_TARGET = "unknown-target";
    public static final String SELF = "self";
    public static final String NO_SESSION = "no-session";
    public static final String SESSION_EXISTS = "session-exists";
    public static final String TOO_MANY_SESSIONS = "too-many-sessions";
    /** A ladder report the server will not count: not the session's initiator, not answered yet, or a repeat. */
    public static final String BAD_REPORT = "bad-report";
    // Limits and server state
    public static final String RATE_LIMITED = "rate-limited";
    public static final String TIMEOUT = "timeout";
    public static final String INTERNAL = "internal";
    /** The device registry cannot be read or written (cluster mode: PostgreSQL down); registered devices are unaffected. */
    public static final String REGISTRY_UNAVAILABLE = "registry-unavailable";
    public static final String UNEXPECTED = "unexpected";
}
