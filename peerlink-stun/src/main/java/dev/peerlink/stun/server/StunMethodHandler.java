package dev.peerlink.stun.server;

/**
 * Answers one STUN method. The server registers the Binding handler itself; other modules (TURN)
 * register theirs with {@link StunServerConfig.Builder#handler}. Called on an IO thread: must not
 * block. The server has already dropped garbage, applied the rate limit and answered requests with
 * unknown comprehension-required attributes (420) before a handler sees them.
 */
@FunctionalInterface
public interface StunMethodHandler {
    /**
     * @return the reply, or null to send nothing (always the case for indications). A reply larger
     *     than {@link StunRequest#maxReplyLength()} is not sent (counted as amplification-refused).
     */
    StunReply handle(StunRequest request);
}
