package dev.peerlink.turn.client.internal;

import dev.peerlink.turn.attribute.ChannelNumber;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Hands out channel numbers 0x4000–0x4FFF, one per peer. A number whose binding was dropped is
 * held back for 5 minutes before reuse: RFC 8656 §12 forbids rebinding it to another peer until
 * the server's old binding has surely expired. A reservation that the server refused never
 * existed there and is free at once.
 */
public final class ChannelNumbers {
    public static final Duration QUARANTINE = Duration.ofMinutes(5);

    private final LongSupplier nanoClock;
    private final Map<InetSocketAddress, Integer> byPeer = new HashMap<>();
    private final Map<Integer, InetSocketAddress> byNumber = new HashMap<>();
    private final Map<Integer, Long> quarantinedUntil = new HashMap<>();
    private int next = ChannelNumber.MIN;

    public ChannelNumbers() {
        this(System::nanoTime);
    }

    public ChannelNumbers(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** The peer's number, reserving the next free one if it has none. */
    public synchronized int reserve(InetSocketAddress peer) {
        Integer existing = byPeer.get(peer);
        if (existing != null) {
            return existing;
        }
        long now = nanoClock.getAsLong();
        int span = ChannelNumber.MAX - ChannelNumber.MIN + 1;
        for (int i = 0; i < span; i++) {
            int n = next;
            next = n == ChannelNumber.MAX ? ChannelNumber.MIN : n + 1; // round-robin: spreads reuse out
            if (byNumber.containsKey(n)) {
                continue;
            }
            Long until = quarantinedUntil.get(n);
            if (until != null) {
                if (now - until < 0) {
                    continue;
                }
                quarantinedUntil.remove(n);
            }
            byPeer.put(peer, n);
            byNumber.put(n, peer);
            return n;
        }
        throw new IllegalStateException("all " + span + " channel numbers are bound or held back");
    }

    /** Frees a number the server never bound (the ChannelBind failed). */
    public synchronized void abandon(int number) {
        InetSocketAddress peer = byNumber.remove(number);
        if (peer != null) {
            byPeer.remove(peer);
        }
    }

    /** Frees a number that was bound; it becomes usable again after {@link #QUARANTINE}. */
    public synchronized void release(int number) {
        abandon(number);
        quarantinedUntil.put(number, nanoClock.getAsLong() + QUARANTINE.toNanos());
    }

    public synchronized int inUse() {
        return byNumber.size();
    }
}
