package dev.peerlink.exit.wire;

/**
 * Why a provider refused or failed to open a flow, as carried in an {@link ExitReply}, with the SOCKS5 reply code
 * (RFC 1928 §6) and HTTP status the requester's local proxy answers with.
 */
public enum ExitError {
    /** Loopback, private, link-local (incl. 169.254.169.254), CGNAT, multicast or the provider's own LAN. */
    FORBIDDEN_DESTINATION("forbidden-destination", 0x02, 403),
    PORT_NOT_ALLOWED("port-not-allowed", 0x02, 403),
    /** The requester's daily byte quota at this provider is used up. */
    QUOTA_EXCEEDED("quota-exceeded", 0x02, 429),
    TOO_MANY_FLOWS("too-many-flows", 0x01, 429),
    /** The provider does not serve this requester (not matched, policy, or the grant expired). */
    NOT_ADMITTED("not-admitted", 0x02, 403),
    DNS_FAILURE("dns-failure", 0x04, 502),
    CONNECTION_REFUSED("connection-refused", 0x05, 502),
    UNREACHABLE("unreachable", 0x04, 502),
    TIMEOUT("timeout", 0x06, 504),
    /** The request itself was malformed or asked for something this exit does not do. */
    BAD_REQUEST("bad-request", 0x07, 400),
    /** No exit could carry the flow (every provider lost). */
    NO_EXIT("no-exit", 0x01, 503),
    INTERNAL("internal", 0x01, 502);

    private final String wire;
    private final int socksReply;
    private final int httpStatus;

    ExitError(String wire, int socksReply, int httpStatus) {
        this.wire = wire;
        this.socksReply = socksReply;
        this.httpStatus = httpStatus;
    }

    public String wire() {
        return wire;
    }

    /** The RFC 1928 reply field for this failure. */
    public int socksReply() {
        return socksReply;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Unknown codes (a newer provider) read as {@link #INTERNAL}: the flow failed either way. */
    public static ExitError fromWire(String s) {
        for (ExitError e : values()) {
            if (e.wire.equals(s)) {
                return e;
            }
        }
        return INTERNAL;
    }
}
