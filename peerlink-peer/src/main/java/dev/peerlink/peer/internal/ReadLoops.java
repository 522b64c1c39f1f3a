package dev.peerlink.peer.internal;

/** The socket hand-over shared by the UDP checkers: the reading loop must have stopped before QUIC owns the socket. */
public final class ReadLoops {
    private ReadLoops() {}

    /**
     * Waits (up to 2 s) for {@code loop} to end — unless the caller is that loop itself, which happens when the
     * contact future's dependants run on the completing thread.
     */
    public static void awaitStopped(Thread loop) {
        if (loop == null || loop == Thread.currentThread()) {
            return;
        }
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
