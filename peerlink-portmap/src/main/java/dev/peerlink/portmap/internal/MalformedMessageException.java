package dev.peerlink.portmap.internal;

/** A NAT-PMP / PCP datagram that cannot be decoded; {@link #problem()} says why. Checked: decoding never throws anything else. */
public final class MalformedMessageException extends Exception {
    /** What is wrong with the datagram. */
    public enum Problem { TRUNCATED, BAD_LENGTH, BAD_VERSION, NOT_A_RESPONSE, NOT_A_REQUEST, UNKNOWN_OPCODE, BAD_OPTION, BAD_FIELD }

    private final Problem problem;

    public MalformedMessageException(Problem problem, String message) {
        super(problem + ": " + message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
