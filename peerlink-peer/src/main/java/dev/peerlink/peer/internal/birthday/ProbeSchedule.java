package dev.peerlink.peer.internal.birthday;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

/**
 * Which port the easy side probes next and when: predicted ports first (in the order given, inside the range), then
 * distinct random ports of the range, never more than the budget M in all, paced at {@code rate} per second.
 */
public final class ProbeSchedule {
    private final BirthdayParams params;
    private final List<Integer> predicted;
    private final Random random;
    private final BitSet used = new BitSet(65536);
    private final long startNanos;
    private int next;

    public ProbeSchedule(BirthdayParams params, List<Integer> predicted, Random random, long startNanos) {
        this.params = params;
        List<Integer> p = new ArrayList<>();
        for (Integer port : predicted) {
            if (port >= params.lowPort() && port <= params.highPort() && !p.contains(port)) {
                p.add(port);
            }
        }
        this.predicted = p;
        this.random = random;
        this.startNanos = startNanos;
    }

    /** Probes handed out so far. */
    public int sent() {
        return next;
    }

    public boolean exhausted() {
        return next >= params.probes() || next >= params.rangeSize();
    }

    /** When the next probe is due (System.nanoTime scale): the i-th at start + i/rate. */
    public long dueNanos() {
        return startNanos + next * 1_000_000_000L / params.rate();
    }

    /** The next port to probe; call only when not {@link #exhausted()}. */
    public int nextPort() {
        if (exhausted()) {
            throw new IllegalStateException("probe budget exhausted");
        }
        int port;
        if (next < predicted.size()) {
            port = predicted.get(next);
        } else {
            do {
                port = params.lowPort() + random.nextInt(params.rangeSize());
            } while (used.get(port));
        }
        used.set(port);
        next++;
        return port;
    }
}
