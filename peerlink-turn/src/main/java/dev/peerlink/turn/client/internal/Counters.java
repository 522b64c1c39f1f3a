package dev.peerlink.turn.client.internal;

import dev.peerlink.turn.client.TurnClientStats;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The mutable side of {@link TurnClientStats}; packet counters are adders as the data path is hot. */
public final class Counters {
    public final AtomicLong allocationRefreshes = new AtomicLong();
    public final AtomicLong permissionRefreshes = new AtomicLong();
    public final AtomicLong channelRefreshes = new AtomicLong();
    public final AtomicLong staleNonceRetries = new AtomicLong();
    public final AtomicLong refreshFailures = new AtomicLong();
    public final LongAdder packetsSent = new LongAdder();
    public final LongAdder packetsReceived = new LongAdder();

    public TurnClientStats snapshot() {
        return new TurnClientStats(allocationRefreshes.get(), permissionRefreshes.get(), channelRefreshes.get(),
                staleNonceRetries.get(), refreshFailures.get(), packetsSent.sum(), packetsReceived.sum());
    }
}
