package dev.peerlink.protocol;

import java.util.concurrent.ForkJoinPool;

/**
 * Why a WebSocket opening may have timed out: the JDK's {@code HttpClient} (which both SDK clients use) finishes its
 * opening handshake on the common {@link ForkJoinPool}. That pool has {@code cores - 1} threads (one on a 2-core
 * machine); when the application keeps all of them blocked, every handshake waits in its queue.
 */
public final class CommonPoolCheck {
    private CommonPoolCheck() {}

    /** A sentence to append to a timeout message when the common pool looks saturated right now, else "". */
    public static String starvationHint() {
        return hint(ForkJoinPool.commonPool());
    }

    static String hint(ForkJoinPool p) {
        long queued = p.getQueuedSubmissionCount() + p.getQueuedTaskCount();
        if (queued == 0 || p.getActiveThreadCount() < p.getParallelism()) {
            return "";
        }
        return " (the common ForkJoinPool is saturated: " + p.getActiveThreadCount() + " of " + p.getParallelism()
                + " threads busy, " + queued + " tasks waiting; the JDK WebSocket client finishes its handshake there, so run"
                + " blocking work on your own threads or raise -Djava.util.concurrent.ForkJoinPool.common.parallelism)";
    }
}
