package dev.peerlink.stun.client.internal;

import dev.peerlink.stun.client.RetransmissionPolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RTO per server IP, RFC 6298 style: SRTT and RTTVAR from samples of transactions that were not
 * retransmitted (Karn's rule), RTO = SRTT + 4·RTTVAR, floored at the policy's minimum. RFC 8489
 * asks clients to cache it per server address.
 */
public final class RtoEstimator {
    private record State(double srtt, double rttvar) {}

    private final RetransmissionPolicy policy;
    private final ConcurrentHashMap<InetAddress, State> states = new ConcurrentHashMap<>();

    public RtoEstimator(RetransmissionPolicy policy) {
        this.policy = policy;
    }

    public Duration rto(InetAddress server) {
        State s = states.get(server);
        if (s == null) {
            return policy.initialRto();
        }
        long nanos = (long) (s.srtt + 4 * s.rttvar);
        return Duration.ofNanos(Math.max(nanos, policy.minRto().toNanos()));
    }

    public void sample(InetAddress server, Duration rtt) {
        double r = rtt.toNanos();
        states.merge(server, new State(r, r / 2), (old, first) ->
                new State(0.875 * old.srtt + 0.125 * r, 0.75 * old.rttvar + 0.25 * Math.abs(old.srtt - r)));
    }
}
