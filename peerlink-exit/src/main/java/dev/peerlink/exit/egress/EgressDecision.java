package dev.peerlink.exit.egress;

import dev.peerlink.exit.wire.ExitError;

/** Whether the provider may dial a destination: allowed, or refused with the reply code and a reason to log/show. */
public record EgressDecision(ExitError error, String reason) {
    public static final EgressDecision ALLOWED = new EgressDecision(null, "allowed");

    public EgressDecision {
        if (error != null && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a refusal needs a reason");
        }
    }

    public static EgressDecision refused(ExitError error, String reason) {
        if (error == null) {
            throw new IllegalArgumentException("a refusal needs an error");
        }
        return new EgressDecision(error, reason);
    }

    public boolean allowed() {
        return error == null;
    }
}
