package dev.peerlink.turn.server.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Relayed ports we hold, within the configured range. Candidates start at a random point so
 * relayed addresses are not predictable (RFC 8656 §7.2 recommends randomness against port guessing).
 */
final class RelayPorts {
    private final int min;
    private final int max;
    private final Set<Integer> held = ConcurrentHashMap.newKeySet();

    RelayPorts(int min, int max) {
        this.min = min;
        this.max = max;
    }

    /** Claims a free port (even when asked), skipping {@code tried}; -1 when none is left. */
    int claim(boolean even, Set<Integer> tried) {
        int size = max - min + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = min + (start + i) % size;
            if (even && (port & 1) != 0 || tried.contains(port)) {
                continue;
            }
            if (held.add(port)) {
                return port;
            }
        }
        return -1;
    }

    /**
     * Claims an even port N and N+1 with it (EVEN-PORT with the R bit, RFC 8656 §7.2), skipping
     * {@code tried} as values of N; -1 when no such pair is free.
     */
    int claimPair(Set<Integer> tried) {
        int size = max - min + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = min + (start + i) % size;
            if ((port & 1) != 0 || port + 1 > max || tried.contains(port)) {
                continue;
            }
            if (held.add(port)) {
                if (held.add(port + 1)) {
                    return port;
                }
                held.remove(port);
            }
        }
        return -1;
    }

    void release(int port) {
        held.remove(port);
    }
}
