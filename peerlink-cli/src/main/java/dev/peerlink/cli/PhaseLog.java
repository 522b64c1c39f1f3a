package dev.peerlink.cli;

import java.io.PrintStream;
import java.time.Instant;

/**
 * {@code connect --timing}: one {@code {"event":"phase","phase":P,"ms":N}} line per phase on stderr, N = milliseconds
 * since the process started (the kernel's start time, so JVM boot counts; 10 ms resolution). Phases: {@code main}
 * (JVM up, our main entered), {@code parsed} (command line), {@code identity} (device key loaded), {@code built} (peer
 * built), {@code registered}, {@code nat} (NAT report known, cached or discovered), {@code connected},
 * {@code first-byte-out}, {@code first-byte-in}, {@code closed}. Off: prints nothing.
 */
final class PhaseLog {
    /** When {@link Main#main} was entered (0 when the CLI runs in-process, as in tests). */
    static volatile long mainEnteredMillis;

    private final PrintStream err;
    private final boolean on;
    private final long origin;

    PhaseLog(PrintStream err, boolean on) {
        this.err = err;
        this.on = on;
        this.origin = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli)
                .orElse(System.currentTimeMillis());
        if (on && mainEnteredMillis > 0) {
            at("main", mainEnteredMillis);
        }
    }

    void mark(String phase) {
        at(phase, System.currentTimeMillis());
    }

    /** {@code phase} at {@code epochMillis}; nothing when that is 0 (the phase never happened). */
    void at(String phase, long epochMillis) {
        if (!on || epochMillis == 0) {
            return;
        }
        synchronized (err) {
            err.println(DeviceOptions.json("event", "phase", "phase", phase, "ms", String.valueOf(epochMillis - origin)));
            err.flush();
        }
    }
}
