package dev.peerlink.peer;

import dev.peerlink.peer.internal.birthday.BirthdayParams;
import dev.peerlink.secure.SessionConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Timing and choices of the connection ladder. Attempts run in parallel with staggered starts (as ICE and Happy
 * Eyeballs do); the first secure session wins, and a relayed connection moves to a direct path if one appears later.
 *
 * @param paths which paths may be tried: any of {@code lan}, {@code direct}, {@code mapped}, {@code reverse}, {@code punch},
 *     {@code birthday}, {@code relay}
 * @param reverseAfter when the initiator's own TCP attempt has not connected by then (or sooner, when every candidate
 *     refused), the target dials back (reverse connection)
 * @param punchAfter when the target starts sending its UDP checks (the synchronised punch start), unless a reverse
 *     connection is worth waiting for: then it starts {@code reverseGrace} after the reverse request
 * @param reverseGrace how long a reverse connection gets before hole punching starts
 * @param relayAfter when the relay attempt starts, unless the two NATs make every direct path impossible: then at once;
 *     {@code reverseGrace} later when a reverse connection is planned
 * @param timeout the whole ladder: no session by then is a {@code no-path} failure
 * @param includeLoopback offer loopback addresses as LAN candidates (tests on one host)
 * @param session the secure session's tunables
 * @param birthday birthday punching's knobs (N sockets, M probes, port range, rate) for symmetric ↔ endpoint-independent
 *     pairs; while it runs, the relay waits for its budget ({@link BirthdayParams#maxDuration()})
 */
public record LadderConfig(Set<String> paths, Duration reverseAfter, Duration punchAfter, Duration reverseGrace,
                           Duration relayAfter, Duration timeout, boolean includeLoopback, SessionConfig session,
                           BirthdayParams birthday) {
    public static final Set<String> ALL_PATHS = Set.of("lan", "direct", "mapped", "reverse", "punch", "birthday", "relay");

    public LadderConfig {
        paths = Set.copyOf(paths);
        if (!ALL_PATHS.containsAll(paths) || paths.isEmpty()) {
            throw new IllegalArgumentException("paths: a non-empty subset of " + ALL_PATHS);
        }
        Objects.requireNonNull(reverseAfter);
        Objects.requireNonNull(punchAfter);
        Objects.requireNonNull(reverseGrace);
        Objects.requireNonNull(relayAfter);
        Objects.requireNonNull(session);
        Objects.requireNonNull(birthday);
        if (timeout.compareTo(reverseAfter) <= 0 || timeout.compareTo(relayAfter) <= 0) {
            throw new IllegalArgumentException("timeout must exceed reverseAfter and relayAfter");
        }
    }

    /**
     * Reverse after 2 s, punch after 150 ms (or 1.5 s after the reverse request), relay after 3 s (4.5 s when a reverse
     * connection is planned), give up at 12 s; birthday punching with {@link BirthdayParams#defaults()}.
     */
    public static LadderConfig defaults() {
        return new LadderConfig(ALL_PATHS, Duration.ofSeconds(2), Duration.ofMillis(150), Duration.ofMillis(1500),
                Duration.ofSeconds(3), Duration.ofSeconds(12), false, SessionConfig.defaults(), BirthdayParams.defaults());
    }

    public LadderConfig withPaths(Set<String> p) {
        return new LadderConfig(p, reverseAfter, punchAfter, reverseGrace, relayAfter, timeout, includeLoopback, session, birthday);
    }

    public LadderConfig withReverseAfter(Duration d) {
        return new LadderConfig(paths, d, punchAfter, reverseGrace, relayAfter, timeout, includeLoopback, session, birthday);
    }

    public LadderConfig withRelayAfter(Duration d) {
        return new LadderConfig(paths, reverseAfter, punchAfter, reverseGrace, d, timeout, includeLoopback, session, birthday);
    }

    public LadderConfig withPunchAfter(Duration d) {
        return new LadderConfig(paths, reverseAfter, d, reverseGrace, relayAfter, timeout, includeLoopback, session, birthday);
    }

    public LadderConfig withTimeout(Duration d) {
        return new LadderConfig(paths, reverseAfter, punchAfter, reverseGrace, relayAfter, d, includeLoopback, session, birthday);
    }

    public LadderConfig withLoopback(boolean on) {
        return new LadderConfig(paths, reverseAfter, punchAfter, reverseGrace, relayAfter, timeout, on, session, birthday);
    }

    public LadderConfig withSession(SessionConfig s) {
        return new LadderConfig(paths, reverseAfter, punchAfter, reverseGrace, relayAfter, timeout, includeLoopback, s, birthday);
    }

    public LadderConfig withBirthday(BirthdayParams b) {
        return new LadderConfig(paths, reverseAfter, punchAfter, reverseGrace, relayAfter, timeout, includeLoopback, session, b);
    }

    public boolean allows(String path) {
        return paths.contains(path);
    }
}
