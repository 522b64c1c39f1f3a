package dev.peerlink.turn.server;

/** Why the server refused a request or dropped a packet; counted in {@link TurnServerStats#refusals()}. */
public enum Refusal {
    /** 401: no or wrong credentials, unknown or expired user. */
    UNAUTHENTICATED,
    /** 438: nonce expired, forged or issued to another address. */
    STALE_NONCE,
    /** 400: malformed or inconsistent request. */
    BAD_REQUEST,
    /** 420: a comprehension-required attribute we do not implement. */
    UNKNOWN_ATTRIBUTE,
    /** 403: peer address in a refused range. */
    FORBIDDEN_PEER,
    /** 437: no allocation for this 5-tuple, or one already exists. */
    ALLOCATION_MISMATCH,
    /** 441: request signed by another user than the allocation's owner. */
    WRONG_CREDENTIALS,
    /** 442: relaying other than UDP requested. */
    UNSUPPORTED_TRANSPORT,
    /** 440/443: address family we do not relay, or peer of the wrong family. */
    ADDRESS_FAMILY,
    /** 486: the user has as many allocations as allowed. */
    USER_QUOTA,
    /** 508: server-wide allocation limit reached, or no relay port free. */
    CAPACITY,
    /** 300: Allocate sent to the ALTERNATE-SERVER, this server being at its configured load. */
    REDIRECTED,
    /** Request dropped: source over its request rate. */
    RATE_LIMITED,
    /** Bytes that are neither STUN nor ChannelData, or do not decode. */
    GARBAGE,
    /** TCP or TLS connection closed on accept: too many from its IP, or in total. */
    CONNECTION_LIMIT,
    /** 446/447 (RFC 6062): a connection to that peer exists already, or connecting to it failed. */
    CONNECTION_FAILED,
    /** DTLS: a datagram from a source without an association that is no ClientHello (garbage, records before the handshake). */
    DTLS_UNEXPECTED,
    /** DTLS: a ClientHello answered statelessly with a cookie (HelloVerifyRequest); one per honest handshake too. */
    DTLS_HELLO_VERIFY,
    /** DTLS: a ClientHello whose cookie is not valid, or is in use by another pending handshake (replayed). */
    DTLS_BAD_COOKIE,
    /** DTLS: no new association, the configured maximum being reached. */
    DTLS_ASSOCIATION_LIMIT,
    /** DTLS: a handshake that failed (bad records, no common parameters) or an established association's record error. */
    DTLS_HANDSHAKE_FAILED,
    /**
     * DTLS: a DTLS 1.0 ClientHello, answered with a protocol_version alert (DTLS 1.2 only; coturn's uclient picks 1.0 or
     * 1.2 at random per attempt and retries with another on the alert).
     */
    DTLS_VERSION,
    /** DTLS: a handshake not finished within the handshake timeout, dropped. */
    DTLS_HANDSHAKE_TIMEOUT
}
