package dev.peerlink.stun.server.internal;

import dev.peerlink.stun.server.StunServerStats;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters; LongAdder so IO threads never contend on one cache line. */
public final class ServerCounters {
    final LongAdder requests = new LongAdder();
    final LongAdder indications = new LongAdder();
    final LongAdder responses = new LongAdder();
    final LongAdder garbage = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder amplificationRefused = new LongAdder();

    public void garbage() {
        garbage.increment();
    }

    public StunServerStats snapshot() {
        return new StunServerStats(requests.sum(), indications.sum(), responses.sum(), garbage.sum(),
                rateLimited.sum(), amplificationRefused.sum());
    }
}
