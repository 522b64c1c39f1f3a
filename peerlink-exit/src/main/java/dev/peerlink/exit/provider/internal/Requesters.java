package dev.peerlink.exit.provider.internal;

import dev.peerlink.exit.ExitException;
import dev.peerlink.exit.wire.ExitError;
import java.util.HashMap;
import java.util.Map;

/**
 * Flow slots: at most {@code maxFlows} open flows per requester and at most {@code maxUsers} distinct requesters with
 * open flows (0 = no limit). A requester's two bandwidth buckets (up, down) live as long as it holds a flow.
 */
public final class Requesters {
    private final int maxFlows;
    private final int maxUsers;
    private final long bytesPerSecond;
    private final Map<String, Requester> active = new HashMap<>();
    private int flows;

    /** {@code bandwidthKbps} 0: no rate limit. */
    public Requesters(int maxFlows, int maxUsers, long bandwidthKbps) {
        this.maxFlows = maxFlows;
        this.maxUsers = maxUsers;
        this.bytesPerSecond = bandwidthKbps > 0 ? TokenBucket.bytesPerSecond(bandwidthKbps) : 0;
    }

    /** A slot for one more flow of {@code id}; release it with {@link #release}. */
    public synchronized Requester reserve(String id) throws ExitException {
        Requester r = active.get(id);
        if (r == null) {
            if (maxUsers > 0 && active.size() >= maxUsers) {
                throw new ExitException(ExitError.TOO_MANY_FLOWS, "this exit serves " + maxUsers + " users at once");
            }
            r = new Requester(id, bytesPerSecond > 0 ? new TokenBucket(bytesPerSecond) : null,
                    bytesPerSecond > 0 ? new TokenBucket(bytesPerSecond) : null);
            active.put(id, r);
        } else if (r.open >= maxFlows) {
            throw new ExitException(ExitError.TOO_MANY_FLOWS, maxFlows + " flows open already");
        }
        r.open++;
        flows++;
        return r;
    }

    public synchronized void release(Requester r) {
        if (r.open <= 0) {
            throw new IllegalStateException("slot released twice");
        }
        r.open--;
        flows--;
        if (r.open == 0) {
            active.remove(r.id);
        }
    }

    public synchronized int flows() {
        return flows;
    }

    public synchronized int users() {
        return active.size();
    }

    public synchronized int flowsOf(String id) {
        Requester r = active.get(id);
        return r == null ? 0 : r.open;
    }

    /** One requester holding at least one slot; {@code up}/{@code down} are null when there is no rate limit. */
    public static final class Requester {
        private final String id;
        private final TokenBucket up;
        private final TokenBucket down;
        private int open;

        Requester(String id, TokenBucket up, TokenBucket down) {
            this.id = id;
            this.up = up;
            this.down = down;
        }

        public String id() {
            return id;
        }

        public TokenBucket bucket(boolean upward) {
            return upward ? up : down;
        }
    }
}
