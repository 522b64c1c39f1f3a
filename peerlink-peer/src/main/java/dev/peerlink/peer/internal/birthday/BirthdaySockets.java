package dev.peerlink.peer.internal.birthday;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts the UDP sockets the birthday step holds, so tests can prove none is leaked (hand-off to QUIC releases one). */
public final class BirthdaySockets {
    private static final AtomicInteger OPEN = new AtomicInteger();

    private BirthdaySockets() {}

    static void opened() {
        OPEN.incrementAndGet();
    }

    static void released() {
        OPEN.decrementAndGet();
    }

    /** Closes a counted socket once, whoever gets there first (the read loop or {@code close()}). */
    static void close(java.nio.channels.DatagramChannel ch) {
        synchronized (ch) {
            if (ch.isOpen()) {
                try {
                    ch.close();
                } catch (java.io.IOException ignored) {
                    // nothing to do
                }
                released();
            }
        }
    }

    /** Sockets currently open in birthday steps of this JVM (not counting sockets handed to QUIC). */
    public static int open() {
        return OPEN.get();
    }
}
