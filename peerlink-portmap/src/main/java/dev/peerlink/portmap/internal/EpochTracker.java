package dev.peerlink.portmap.internal;

/**
 * Detects a gateway that lost its state (rebooted, restarted the daemon) from the epoch ("seconds since start of
 * epoch") in PCP / NAT-PMP responses, RFC 6887 section 8.5 (RFC 6886 section 3.6 is the same idea): the server's
 * clock must not go backwards and must advance about as fast as ours (within 1/16 plus 2 s of slack).
 */
public final class EpochTracker {
    private boolean known;
    private long prevServer;
    private long prevClientNanos;

    /**
     * Records one observation; returns {@code true} when it is inconsistent with the previous one, i.e. the
     * gateway must be assumed to have lost every mapping. The first observation is never a reset.
     */
    public synchronized boolean observe(long serverSeconds, long clientNanos) {
        boolean reset = false;
        if (known) {
            long serverDelta = serverSeconds - prevServer;
            long clientDelta = (clientNanos - prevClientNanos) / 1_000_000_000L;
            if (serverSeconds + 1 < prevServer) {
                reset = true;
            } else if (clientDelta + 2 < serverDelta - serverDelta / 16 || serverDelta + 2 < clientDelta - clientDelta / 16) {
                reset = true;
            }
        }
        known = true;
        prevServer = serverSeconds;
        prevClientNanos = clientNanos;
        return reset;
    }

    public boolean observe(long serverSeconds) {
        return observe(serverSeconds, System.nanoTime());
    }
}
