package dev.peerlink.stun.client;

import java.time.Duration;

/**
 * RFC 8489 §6.2.1 retransmission over UDP: send at 0, RTO, 3·RTO, 7·RTO, ... (Rc sends in all),
 * then wait Rm·RTO for the last answer. RTO starts at {@code initialRto} and, once an RTT has been
 * measured, follows RFC 6298 without rounding up to a second (as RFC 8489 asks), floored at {@code minRto}.
 */
public record RetransmissionPolicy(Duration initialRto, Duration minRto, int rc, int rm) {
    /** The RFC defaults: RTO 500 ms, Rc 7, Rm 16 (39.5 s before giving up). */
    public static final RetransmissionPolicy RFC_8489 =
            new RetransmissionPolicy(Duration.ofMillis(500), Duration.ofMillis(100), 7, 16);

    public RetransmissionPolicy {
        if (initialRto.isNegative() || initialRto.isZero() || minRto.isNegative() || rc < 1 || rm < 1) {
            throw new IllegalArgumentException("RTO must be positive and Rc, Rm at least 1");
        }
    }

    public RetransmissionPolicy withInitialRto(Duration rto) {
        return new RetransmissionPolicy(rto, minRto, rc, rm);
    }

    public RetransmissionPolicy withRc(int newRc) {
        return new RetransmissionPolicy(initialRto, minRto, newRc, rm);
    }

    /** How long a transaction with the given RTO lasts before it times out. */
    public Duration transactionTimeout(Duration rto) {
        long unit = rto.toNanos();
        long sends = (1L << (rc - 1)) - 1; // sum of the doubling intervals between Rc sends
        return Duration.ofNanos(unit * sends + unit * rm);
    }
}
