package dev.peerlink.server.signal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the signalling broker since start: registrations by outcome, connect requests and how brokered
 * connects ended. Outcomes are fixed lists, so they can label meters without unbounded cardinality.
 */
public final class SignalStats {
    public static final List<String> REGISTRATION_OUTCOMES = List.of("ok", "rate-limited", "bad-signature",
            "already-registered", "key-mismatch", "enroll-required", "alias-taken", "internal", "registry-unavailable");
    /** accepted/rejected: the target's answer; failed: refused by the broker, target offline, timed out, initiator gone. */
    public static final List<String> CONNECT_OUTCOMES = List.of("accepted", "rejected", "failed");

    private final Map<String, LongAdder> registrations = adders(REGISTRATION_OUTCOMES);
    private final Map<String, LongAdder> connects = adders(CONNECT_OUTCOMES);
    private final LongAdder connectRequests = new LongAdder();

    private static Map<String, LongAdder> adders(List<String> keys) {
        Map<String, LongAdder> m = new LinkedHashMap<>();
        keys.forEach(k -> m.put(k, new LongAdder()));
        return Map.copyOf(m);
    }

    public void registration(String outcome) {
        registrations.get(outcome).increment();
    }

    public void connectRequested() {
        connectRequests.increment();
    }

    public void connect(String outcome) {
        connects.get(outcome).increment();
    }

    public long registrations(String outcome) {
        return registrations.get(outcome).sum();
    }

    public long connectRequests() {
        return connectRequests.sum();
    }

    public long connects(String outcome) {
        return connects.get(outcome).sum();
    }
}
