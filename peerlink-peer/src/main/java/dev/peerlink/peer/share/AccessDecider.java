package dev.peerlink.peer.share;

import dev.peerlink.share.wire.ShareBody;

/**
 * A provider's answer to an access request (seed 001 claim 9): by policy, or by asking its user. Called off the
 * signalling thread; may block (an interactive prompt) until the request's {@code expiresAt}.
 */
@FunctionalInterface
public interface AccessDecider {
    /** Accept: the offer and current state go back to the server. Decline: a short [a-z-] reason. */
    sealed interface Decision {}

    record Accept() implements Decision {}

    record Decline(String reason) implements Decision {}

    Decision decide(ShareBody.AccessRequest request);
}
