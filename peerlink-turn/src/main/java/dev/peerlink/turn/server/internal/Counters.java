package dev.peerlink.turn.server.internal;

import dev.peerlink.turn.server.Refusal;
import dev.peerlink.turn.server.TurnServerStats;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters: written from every event loop, read by {@link #snapshot()}. */
public final class Counters {
    final LongAdder allocationsActive = new LongAdder();
    final LongAdder allocationsCreated = new LongAdder();
    final LongAdder allocationsExpired = new LongAdder();
    final LongAdder permissionsActive = new LongAdder();
    final LongAdder channelsActive = new LongAdder();
    final LongAdder packetsToPeers = new LongAdder();
    final LongAdder bytesToPeers = new LongAdder();
    final LongAdder packetsToClients = new LongAdder();
    final LongAdder bytesToClients = new LongAdder();
    final LongAdder droppedBandwidth = new LongAdder();
    final LongAdder droppedNoPermission = new LongAdder();
    final LongAdder requestsPaused = new LongAdder();
    /** DTLS associations (handshaking or established) over every DTLS listener: the cap's gauge. */
    final java.util.concurrent.atomic.AtomicInteger dtlsAssociations = new java.util.concurrent.atomic.AtomicInteger();
    private final LongAdder[] refusals = new LongAdder[Refusal.values().length];

    public Counters() {
        for (int i = 0; i < refusals.length; i++) {
            refusals[i] = new LongAdder();
        }
    }

    public void refused(Refusal reason) {
        refusals[reason.ordinal()].increment();
    }

    /** A request over TCP/TLS held back by the rate limit (its connection pauses reading instead of dropping it). */
    public void deferred() {
        requestsPaused.increment();
    }

    public int dtlsAssociations() {
        return dtlsAssociations.get();
    }

    public TurnServerStats snapshot() {
        Map<Refusal, Long> r = new EnumMap<>(Refusal.class);
        for (Refusal reason : Refusal.values()) {
            long n = refusals[reason.ordinal()].sum();
            if (n > 0) {
                r.put(reason, n);
            }
        }
        return new TurnServerStats(allocationsActive.sum(), allocationsCreated.sum(), allocationsExpired.sum(),
                permissionsActive.sum(), channelsActive.sum(), packetsToPeers.sum(), bytesToPeers.sum(),
                packetsToClients.sum(), bytesToClients.sum(), droppedBandwidth.sum(), droppedNoPermission.sum(),
                requestsPaused.sum(), r);
    }
}
