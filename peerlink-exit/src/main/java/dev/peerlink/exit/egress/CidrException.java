package dev.peerlink.exit.egress;

/** A CIDR block ({@code 10.0.0.0/8}, {@code fc00::/7}) that {@link Cidr#parse} refuses, with the reason as a code. */
public final class CidrException extends IllegalArgumentException {
    public enum Reason {
        /** Null or blank. */
        EMPTY,
        /** The part before {@code /} is not an IPv4 dotted quad or an IPv6 literal (names are never resolved). */
        BAD_ADDRESS,
        /** The prefix length is not a number in [0, 32] (IPv4) or [0, 128] (IPv6). */
        BAD_PREFIX,
        /** Bits are set after the prefix ({@code 10.1.2.3/8}): most likely a typo, so refused rather than guessed. */
        HOST_BITS_SET
    }

    private final Reason reason;

    public CidrException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
