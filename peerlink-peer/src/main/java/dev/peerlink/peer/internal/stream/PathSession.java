package dev.peerlink.peer.internal.stream;

import dev.peerlink.secure.CloseReason;
import dev.peerlink.secure.SecureSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One secure session attached to a {@link MigratingConnection}, and the bookkeeping that decides when it is drained:
 * it is no longer current, the peer said (DRAIN) how many streams it opened on it and all of them arrived, every
 * segment read from it ended (END/MOVED/RESET read and acknowledged) and every segment we wrote to it was
 * acknowledged by the peer (the peer closes its output of a physical stream once it has read the segment's end).
 */
final class PathSession {
    final SecureSession session;
    final String path;
    /** Completes with the close reason when the session ends. */
    final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private int opened;
    private int received;
    private int peerOpened = -1;
    private int pending;
    private boolean retired;
    private boolean draining;
    private volatile boolean retiredFlag;
    private volatile boolean drainedClose;

    PathSession(SecureSession session, String path) {
        this.session = session;
        this.path = path;
        session.addListener((s, reason, cause) -> closed.complete(reason));
    }

    /**
     * Counts a stream we are about to open on this session, unless it was retired (then the caller must use the
     * current session). The count goes in our DRAIN, so it is taken before the stream is opened.
     */
    synchronized boolean reserveOutbound() {
        if (retired) {
            return false;
        }
        opened++;
        pending++;
        return true;
    }

    /** Retires the session: returns the number of streams we opened on it (for DRAIN); counts the DRAIN itself. */
    synchronized int retire() {
        retired = true;
        retiredFlag = true;
        pending++;
        return opened;
    }

    boolean isRetired() {
        return retiredFlag;
    }

    /** A DATA or RESET stream from the peer arrived (its header was read). */
    synchronized void inboundArrived(boolean pendingUntilEnd) {
        received++;
        if (pendingUntilEnd) {
            pending++;
        }
    }

    synchronized void peerDrain(int count) {
        peerOpened = count;
    }

    /** A segment (either way) or our DRAIN is finished: read to its end, or acknowledged, or failed. */
    synchronized void segmentDone() {
        pending--;
    }

    /** True once (the caller then closes the session) when the session is drained. */
    synchronized boolean takeDrained() {
        if (draining || !retired || peerOpened < 0 || received < peerOpened || pending > 0) {
            return false;
        }
        draining = true;
        drainedClose = true;
        return true;
    }

    /** The grace period ran out: true once if the session was not drained by then (the caller closes it). */
    synchronized boolean takeExpired() {
        if (draining) {
            return false;
        }
        draining = true;
        return true;
    }

    /** We closed it because it was drained (so streams failing on it now lost nothing). */
    boolean closedDrained() {
        return drainedClose;
    }

    /**
     * Whether a segment on this session whose end (END/MOVED/RESET) we wrote, but which failed before its
     * acknowledgement, was nevertheless delivered: true if the peer closed the session (it closes only drained
     * sessions, or the whole connection), or we did after draining.
     */
    boolean endSurelyDelivered() {
        CloseReason r;
        try {
            r = closed.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
        return r == CloseReason.PEER_CLOSE || (r == CloseReason.LOCAL_CLOSE && drainedClose);
    }

    synchronized String describe() {
        return path + "/" + session.transport() + "[opened " + opened + ", received " + received + "/" + peerOpened
                + ", pending " + pending + (retired ? ", retired" : "") + "]";
    }

    @Override
    public String toString() {
        return path + "/" + session.transport();
    }
}
