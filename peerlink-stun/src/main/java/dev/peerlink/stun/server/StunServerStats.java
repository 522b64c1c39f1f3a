package dev.peerlink.stun.server;

/**
 * Counters since the server started; a snapshot, cheap to take.
 *
 * @param requests well-formed STUN requests received (after the rate limiter)
 * @param indications well-formed STUN indications received; never answered
 * @param responses responses sent (success and error)
 * @param droppedGarbage datagrams and TCP frames ignored because they were not a well-formed request
 *     or indication (including STUN responses sent to the server); no reply, no log line
 * @param rateLimited messages dropped because their source IP was over its rate
 * @param amplificationRefused requests left unanswered because even the smallest answer would have
 *     broken the amplification rule
 */
public record StunServerStats(long requests, long indications, long responses, long droppedGarbage,
                              long rateLimited, long amplificationRefused) {}
