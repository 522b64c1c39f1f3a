package dev.peerlink.peer.internal.stream;

import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.internal.ByteInbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream the application sees, whatever sessions carry it. The output is a {@link LogicalOutput}; the input is
 * filled by a pump that reads the segments of the peer's direction in order ({@link SegmentQueue}) into a
 * {@link ByteInbox}. The pump stops reading above {@link #HIGH_WATER} buffered bytes (so flow control reaches the
 * peer's writer), except on a retired session, which it drains regardless so the old path can close.
 */
final class LogicalStream implements SecureStream {
    private static final Logger log = LoggerFactory.getLogger(LogicalStream.class);
    static final int HIGH_WATER = 1 << 20;

    private final MigratingConnection conn;
    private final int id;
    private final ByteInbox inbox;
    private final LogicalOutput output;
    private final SegmentQueue<OutSegment.In> queue = new SegmentQueue<>();
    private final ReentrantLock roomLock = new ReentrantLock();
    private final Condition room = roomLock.newCondition();
    private volatile IOException failure;
    private volatile boolean inputEnded;

    LogicalStream(MigratingConnection conn, int id) {
        this.conn = conn;
        this.id = id;
        this.inbox = new ByteInbox(n -> signalRoom(), () -> { });
        this.output = new LogicalOutput(this, conn);
    }

    @Override
    public long id() {
        return id;
    }

    int logicalId() {
        return id;
    }

    @Override
    public InputStream input() {
        return inbox.stream();
    }

    @Override
    public OutputStream output() {
        return output;
    }

    LogicalOutput out() {
        return output;
    }

    IOException failure() {
        return failure;
    }

    @Override
    public void reset() {
        abort(new IOException("stream reset locally"), true);
    }

    @Override
    public void close() {
        try {
            output.close();
        } catch (IOException ignored) {
            // failed streams have nothing left to end
        }
        try {
            inbox.stream().close();
        } catch (IOException ignored) {
            // never thrown
        }
    }

    // ------------------------------------------------------------------ input: segments from the peer

    /** Segment {@code in.segment()} of the peer's direction arrived; reads it now (on this thread) if it is next. */
    void segmentArrived(OutSegment.In in) {
        OutSegment.In now;
        try {
            synchronized (queue) {
                now = queue.arrived(in.segment(), in);
            }
        } catch (StreamFramingException e) {
            discard(in);
            abort(new IOException("stream " + id + ": peer broke the framing: " + e.getMessage(), e), true);
            return;
        }
        if (now != null) {
            pump(now);
        }
    }

    private void pump(OutSegment.In s) {
        byte[] scratch = new byte[4];
        while (s != null) {
            OutSegment.In next = null;
            try {
                InputStream in = s.phys().input();
                while (true) {
                    int code = SegmentCodec.readCode(in, scratch);
                    if (code > 0) {
                        byte[] d = SegmentCodec.readData(in, code);
                        awaitRoom(s.path());
                        inbox.offer(d);
                        continue;
                    }
                    if (code == SegmentCodec.MOVED) {
                        synchronized (queue) {
                            next = queue.moved();
                        }
                    } else {
                        endQueue();
                        if (code == SegmentCodec.END) {
                            inbox.finish(); // before the acknowledgement: once acked, the writer may close the session
                        } else {
                            abort(new IOException("stream reset by peer"), false);
                        }
                        inputEnded = true;
                        checkFinished();
                    }
                    s.phys().output().close(); // the acknowledgement: we read this segment to its end
                    break;
                }
            } catch (StreamFramingException e) {
                s.phys().reset();
                endQueue();
                inputEnded = true;
                abort(new IOException("stream " + id + ": peer broke the framing: " + e.getMessage(), e), true);
            } catch (IOException e) {
                endQueue();
                inputEnded = true;
                abort(conn.explain(s.path(), e, "segment " + s.segment() + " of stream " + id), true);
            } finally {
                s.path().segmentDone();
                conn.checkDrained(s.path());
            }
            s = next;
        }
        checkFinished();
    }

    private void endQueue() {
        Collection<OutSegment.In> rest;
        synchronized (queue) {
            rest = queue.end();
        }
        rest.forEach(this::discard);
    }

    private void discard(OutSegment.In in) {
        in.phys().reset();
        in.path().segmentDone();
        conn.checkDrained(in.path());
    }

    private void awaitRoom(PathSession path) throws IOException {
        roomLock.lock();
        try {
            while (inbox.buffered() >= HIGH_WATER && !inbox.isFinished() && !path.isRetired() && conn.isOpen()) {
                room.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        } finally {
            roomLock.unlock();
        }
    }

    void signalRoom() {
        roomLock.lock();
        try {
            room.signalAll();
        } finally {
            roomLock.unlock();
        }
    }

    // ------------------------------------------------------------------ failure and end

    /**
     * Aborts both directions: readers and writers fail with {@code e}. {@code tellPeer}: also make the peer abort
     * (RESET on our open segment, or a RESET stream when none is open or a writer is blocked on it).
     */
    void abort(IOException e, boolean tellPeer) {
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = e;
        }
        log.debug("logical stream {} aborted: {}", id, e.getMessage());
        inbox.fail(e);
        signalRoom();
        Thread.ofVirtual().name("peerlink-reset-" + id).start(() -> {
            boolean told = output.terminate();
            if (tellPeer && !told && conn.isOpen()) {
                conn.sendReset(id);
            }
            checkFinished();
        });
    }

    /** The connection ended: fail readers and writers, tell nobody. */
    void connectionFailed(IOException e) {
        synchronized (this) {
            if (failure == null) {
                failure = e;
            }
        }
        inbox.fail(e);
        signalRoom();
    }

    /** Translates a failed physical write into the error the writer sees (the connection's cause if it died). */
    IOException writeFailure(PathSession path, IOException e) {
        IOException f = failure;
        if (f != null) {
            return new IOException(f.getMessage(), f);
        }
        return path == null ? e : conn.explain(path, e, "stream " + id);
    }

    /** Forgets the stream once both directions are over. */
    void checkFinished() {
        if (inputEnded && (output.isEnded() || failure != null)) {
            conn.forget(this);
        }
    }

    @Override
    public String toString() {
        return "LogicalStream[" + id + (failure != null ? ", failed: " + failure.getMessage() : "") + "]";
    }
}
