package dev.peerlink.peer.internal.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writing half of a {@link LogicalStream}: a sequence of segments, each on the session that was current when it
 * was opened. Every chunk is written under the writer lock, and a move (MOVED on the old segment, then the next
 * segment on the current session) happens under the same lock, before the next chunk, so chunks never interleave or
 * reorder. Data is written straight from the caller's array: one 4-byte code and one write per 64 KiB.
 */
final class LogicalOutput extends OutputStream {
    private final LogicalStream owner;
    private final MigratingConnection conn;
    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] scratch = new byte[4];
    private OutSegment seg;
    private int nextSegment;
    private volatile boolean ended;

    LogicalOutput(LogicalStream owner, MigratingConnection conn) {
        this.owner = owner;
        this.conn = conn;
    }

    /** Opens segment 0 now (the opener of a logical stream: segment 0 is what creates it at the peer). */
    void open() throws IOException {
        lock.lock();
        try {
            ensureCurrent();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            lock.lock();
            OutSegment s = null;
            try {
                checkWritable();
                ensureCurrent();
                s = seg;
                int n = Math.min(len, SegmentCodec.MAX_CHUNK);
                OutputStream out = s.phys.output();
                SegmentCodec.writeCode(out, n, scratch);
                out.write(b, off, n);
                off += n;
                len -= n;
            } catch (IOException e) {
                throw owner.writeFailure(s == null ? null : s.path, e);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Writes go out at once (each chunk is handed to the session as it is written). */
    @Override
    public void flush() throws IOException {
        checkWritable();
    }

    /** END: the peer reads end-of-stream after everything written before. */
    @Override
    public void close() throws IOException {
        lock.lock();
        OutSegment s = null;
        try {
            if (ended || owner.failure() != null) {
                return;
            }
            if (seg == null) {
                ensureCurrent();
            }
            s = seg;
            SegmentCodec.writeCode(s.phys.output(), SegmentCodec.END, scratch);
            finishSegment(s);
            ended = true;
        } catch (IOException e) {
            throw owner.writeFailure(s == null ? null : s.path, e);
        } finally {
            lock.unlock();
        }
        owner.checkFinished();
    }

    boolean isEnded() {
        return ended;
    }

    /** After a migration: moves an open output to the current session even if nobody writes. */
    void moveNow() {
        lock.lock();
        OutSegment s = seg;
        try {
            if (seg != null && !ended && owner.failure() == null && seg.path != conn.currentPath()) {
                ensureCurrent();
            }
        } catch (IOException e) {
            owner.abort(owner.writeFailure(s == null ? null : s.path, e), true);
        } finally {
            lock.unlock();
        }
    }

    /** True once the segment carrying our last chunk was read by the peer (or nothing was ever opened). */
    boolean settled() {
        OutSegment s = seg;
        return s == null || (s.endWritten && s.acked) || !s.path.session.isOpen();
    }

    /**
     * The stream was aborted: ends the open segment with RESET if no writer holds the lock (else resets the physical
     * stream, which also unblocks that writer). Returns true if the peer was told on the segment itself.
     */
    boolean terminate() {
        boolean told = false;
        boolean locked;
        try {
            locked = lock.tryLock(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            OutSegment s = seg;
            if (s != null) {
                s.phys.reset();
            }
            return false;
        }
        try {
            OutSegment s = seg;
            if (s != null && !s.endWritten) {
                try {
                    SegmentCodec.writeCode(s.phys.output(), SegmentCodec.RESET, scratch);
                    finishSegment(s);
                    told = true;
                } catch (IOException e) {
                    s.phys.reset();
                }
            }
        } finally {
            lock.unlock();
        }
        return told;
    }

    /** Lock held: opens segment 0, or moves to the current session (MOVED, then the next segment there). */
    private void ensureCurrent() throws IOException {
        if (seg == null) {
            seg = conn.openSegment(owner, nextSegment++);
            return;
        }
        if (seg.path == conn.currentPath()) {
            return;
        }
        SegmentCodec.writeCode(seg.phys.output(), SegmentCodec.MOVED, scratch);
        finishSegment(seg);
        seg = conn.openSegment(owner, nextSegment++);
    }

    private static void finishSegment(OutSegment s) throws IOException {
        s.endWritten = true;
        s.phys.output().close();
    }

    private void checkWritable() throws IOException {
        IOException f = owner.failure();
        if (f != null) {
            throw new IOException(f.getMessage(), f);
        }
        if (ended) {
            throw new IOException("stream output closed");
        }
    }
}
