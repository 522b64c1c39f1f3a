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
    CONNECTION_FAILED
}
