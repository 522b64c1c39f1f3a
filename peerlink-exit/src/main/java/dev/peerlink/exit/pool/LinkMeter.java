package dev.peerlink.exit.pool;

/**
 * The measured state of one requester → provider connection: RTT (EWMA of ping round trips), loss over the last
 * {@value #WINDOW} pings and when the last pong came. Written by the pool's thread only (pongs are handed over to it);
 * RTT and the last pong are volatile because flow openers read them to decide whether an exit stalled.
 */
final class LinkMeter {
    static final int WINDOW = 20;

    private final long[] sentIds = new long[WINDOW];
    private final boolean[] answered = new boolean[WINDOW];
    private long nextId = 1;
    private int sent;
    private volatile double rttMs = Double.NaN;
    private volatile long lastPongNanos;
    private final long createdNanos;

    LinkMeter(long nowNanos) {
        this.createdNanos = nowNanos;
        this.lastPongNanos = nowNanos;
    }

    /** A ping goes out now: its id. A slot still unanswered from a full window ago counts as lost. */
    long ping() {
        int slot = (int) (nextId % WINDOW);
        sentIds[slot] = nextId;
        answered[slot] = false;
        sent++;
        return nextId++;
    }

    void pong(long id, long sentNanos, long nowNanos) {
        int slot = (int) (id % WINDOW);
        if (sentIds[slot] != id || answered[slot]) {
            return; // too old, or a duplicate
        }
        answered[slot] = true;
        double sample = (nowNanos - sentNanos) / 1e6;
        rttMs = Double.isNaN(rttMs) ? sample : 0.8 * rttMs + 0.2 * sample;
        lastPongNanos = nowNanos;
    }

    /**
     * Lost fraction over the window, the most recent ping excepted (its pong may be on its way). 0 until a few pings
     * were sent.
     */
    double loss() {
        int considered = Math.min(sent, WINDOW) - 1;
        if (considered < 4) {
            return 0;
        }
        int lost = 0;
        long newest = nextId - 1;
        for (int i = 0; i < WINDOW; i++) {
            if (sentIds[i] != 0 && sentIds[i] != newest && !answered[i]) {
                lost++;
            }
        }
        return lost / (double) considered;
    }

    double rttMs() {
        return rttMs;
    }

    /** Time since the last pong (since creation before the first). */
    double silentMs(long nowNanos) {
        return (nowNanos - lastPongNanos) / 1e6;
    }

    double ageMs(long nowNanos) {
        return (nowNanos - createdNanos) / 1e6;
    }
}
