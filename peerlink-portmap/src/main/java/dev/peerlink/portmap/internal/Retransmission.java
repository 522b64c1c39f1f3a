package dev.peerlink.portmap.internal;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/** When to (re)send a request: the n-th timeout, or {@code null} after the last transmission. */
public interface Retransmission {
    /** Timeout after transmission number {@code attempt} (0-based), or {@code null} when no more are allowed. */
    Duration timeout(int attempt);

    /** RFC 6886 section 3.1: 250 ms, doubling, 9 transmissions (about 128 s in all). */
    static Retransmission natPmp() {
        return natPmp(Duration.ofMillis(250), 9);
    }

    static Retransmission natPmp(Duration initial, int transmissions) {
        return attempt -> attempt >= transmissions ? null : initial.multipliedBy(1L << Math.min(attempt, 20));
    }

    /**
     * RFC 6887 section 8.1.1: IRT 3 s, MRT 1024 s, MRC 0 (unlimited), RT = (1+RAND)·IRT, then RT = (2+RAND)·RTprev
     * capped by (1+RAND)·MRT, RAND uniform in [-0.1, +0.1]. MRD is left to the caller's deadline.
     */
    static Retransmission pcp() {
        return pcp(Duration.ofSeconds(3), Duration.ofSeconds(1024), java.util.concurrent.ThreadLocalRandom.current()::nextDouble);
    }

    /** As {@link #pcp()}, with another IRT/MRT (tests) and a source of uniform [0,1) numbers. */
    static Retransmission pcp(Duration irt, Duration mrt, DoubleSupplier uniform) {
        return new Retransmission() {
            private double previous = -1;
            private int lastAttempt = -1;

            @Override
            public synchronized Duration timeout(int attempt) {
                double rand = uniform.getAsDouble() * 0.2 - 0.1;
                double rt;
                if (attempt == 0 || previous < 0 || attempt != lastAttempt + 1) {
                    rt = (1 + rand) * irt.toNanos();
                } else {
                    rt = (2 + rand) * previous;
                    if (rt > mrt.toNanos()) {
                        rt = (1 + rand) * mrt.toNanos();
                    }
                }
                previous = rt;
                lastAttempt = attempt;
                return Duration.ofNanos((long) rt);
            }
        };
    }
}
