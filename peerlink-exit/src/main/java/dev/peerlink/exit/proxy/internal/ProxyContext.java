package dev.peerlink.exit.proxy.internal;

import dev.peerlink.exit.ExitDialer;
import dev.peerlink.exit.ExitFlow;
import dev.peerlink.exit.proxy.LocalProxy.Credentials;
import dev.peerlink.exit.proxy.LocalProxy.Limits;
import dev.peerlink.exit.proxy.ProxyStats;
import dev.peerlink.exit.wire.ExitError;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** What every connection handler of one proxy shares: the dialer, the settings, the open flows and the counters. */
public final class ProxyContext {
    private final ExitDialer dialer;
    private final Credentials credentials;
    private final Limits limits;
    private final Set<TrackedFlow> openFlows = ConcurrentHashMap.newKeySet();
    private final LongAdder flowsOpened = new LongAdder();
    private final AtomicLongArray failures = new AtomicLongArray(ExitError.values().length);
    private final LongAdder bytesUp = new LongAdder();
    private final LongAdder bytesDown = new LongAdder();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger openUdp = new AtomicInteger();
    private final AtomicLong buffered = new AtomicLong();

    public ProxyContext(ExitDialer dialer, Credentials credentials, Limits limits) {
        this.dialer = dialer;
        this.credentials = credentials;
        this.limits = limits;
    }

    public ExitDialer dialer() {
        return dialer;
    }

    /** Null when clients need not authenticate. */
    public Credentials credentials() {
        return credentials;
    }

    public Limits limits() {
        return limits;
    }

    /** Takes ownership of an opened flow: it counts as open until closed. */
    TrackedFlow track(ExitFlow flow) {
        TrackedFlow t = new TrackedFlow(flow, openFlows::remove);
        openFlows.add(t);
        flowsOpened.increment();
        return t;
    }

    void failed(ExitError error) {
        failures.incrementAndGet(error.ordinal());
    }

    void up(long n) {
        bytesUp.add(n);
    }

    void down(long n) {
        bytesDown.add(n);
    }

    void buffered(long delta) {
        buffered.addAndGet(delta);
    }

    AtomicInteger openConnections() {
        return openConnections;
    }

    void udpOpened() {
        openUdp.incrementAndGet();
    }

    void udpClosed() {
        openUdp.decrementAndGet();
    }

    /** Closes every flow still held (on proxy shutdown). */
    void closeAllFlows() {
        for (TrackedFlow f : List.copyOf(openFlows)) {
            f.close();
        }
    }

    public ProxyStats stats() {
        Map<ExitError, Long> failed = new EnumMap<>(ExitError.class);
        for (ExitError e : ExitError.values()) {
            long n = failures.get(e.ordinal());
            if (n > 0) {
                failed.put(e, n);
            }
        }
        return new ProxyStats(flowsOpened.sum(), failed, bytesUp.sum(), bytesDown.sum(), openConnections.get(),
                openFlows.size(), openUdp.get(), buffered.get());
    }
}
