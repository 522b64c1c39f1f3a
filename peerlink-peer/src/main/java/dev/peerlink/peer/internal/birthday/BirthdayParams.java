package dev.peerlink.peer.internal.birthday;

import java.time.Duration;

/**
 * The knobs of birthday punching (seed 003). The chance that at least one of M random probes hits one of N open
 * mappings among R external ports is {@code 1 - (1 - N/R)^M}.
 *
 * @param sockets N: sockets (hence NAT mappings) the hard (symmetric) side opens, 1..1024
 * @param probes M: the easy side's total probe budget (predicted ports included), 1..65535
 * @param lowPort lowest external port the hard side's NAT allocates (probed range, inclusive)
 * @param highPort highest external port (inclusive)
 * @param rate probes per second, 1..10000 — the cap on what the easy side sends (the hard side sends its N
 *     mapping-opening packets as one burst: at most 1024 datagrams of 42 bytes, to one address)
 * @param answers how often the hard side sends its RESPONSE (loss)
 * @param after how long after the ladder's start the easy side begins (0: at once; later only to let another path,
 *     e.g. the relay, come first — tests of the move off the relay)
 */
public record BirthdayParams(int sockets, int probes, int lowPort, int highPort, int rate, int answers, Duration after) {
    /** Hard ceilings, whatever the configuration says: never flood. */
    public static final int MAX_SOCKETS = 1024;
    public static final int MAX_RATE = 10_000;

    public BirthdayParams {
        if (sockets < 1 || sockets > MAX_SOCKETS) {
            throw new IllegalArgumentException("sockets: 1.." + MAX_SOCKETS);
        }
        if (probes < 1 || probes > 65535) {
            throw new IllegalArgumentException("probes: 1..65535");
        }
        if (lowPort < 1 || highPort > 65535 || lowPort > highPort) {
            throw new IllegalArgumentException("port range " + lowPort + "-" + highPort);
        }
        if (rate < 1 || rate > MAX_RATE) {
            throw new IllegalArgumentException("rate: 1.." + MAX_RATE + " probes/s");
        }
        if (answers < 1 || answers > 10) {
            throw new IllegalArgumentException("answers: 1..10");
        }
        if (after == null || after.isNegative()) {
            throw new IllegalArgumentException("after: not negative");
        }
    }

    public BirthdayParams(int sockets, int probes, int lowPort, int highPort, int rate, int answers) {
        this(sockets, probes, lowPort, highPort, rate, answers, Duration.ZERO);
    }

    /**
     * N = 256, M = 1024 (Tailscale's choice: 1-(1-256/64512)^1024 ≈ 98.3 %) over 1024-65535 (Linux {@code
     * masquerade fully-random}'s range, the bed's R = 64512), 500 probes/s (the whole budget in ~2 s, ~30 kB/s of
     * 60-byte datagrams), 3 answers.
     */
    public static BirthdayParams defaults() {
        return new BirthdayParams(256, 1024, 1024, 65535, 500, 3);
    }

    public int rangeSize() {
        return highPort - lowPort + 1;
    }

    /** The longest the probing can last: the budget at the rate, plus a second for late answers. */
    public Duration maxDuration() {
        return Duration.ofMillis(probes * 1000L / rate + 1000);
    }

    /** 1 - (1 - N/R)^M. */
    public double theory() {
        return 1 - Math.pow(1 - (double) Math.min(sockets, rangeSize()) / rangeSize(), probes);
    }

    public BirthdayParams withSockets(int n) {
        return new BirthdayParams(n, probes, lowPort, highPort, rate, answers, after);
    }

    public BirthdayParams withProbes(int m) {
        return new BirthdayParams(sockets, m, lowPort, highPort, rate, answers, after);
    }

    public BirthdayParams withRange(int low, int high) {
        return new BirthdayParams(sockets, probes, low, high, rate, answers, after);
    }

    public BirthdayParams withAfter(Duration d) {
        return new BirthdayParams(sockets, probes, lowPort, highPort, rate, answers, d);
    }

    public BirthdayParams withRate(int r) {
        return new BirthdayParams(sockets, probes, lowPort, highPort, r, answers, after);
    }
}
