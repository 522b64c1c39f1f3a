package dev.peerlink.secure.internal;

import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.mux.MuxFrame;
import dev.peerlink.secure.mux.MuxFrame.Type;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** One stream of a {@link MuxSession}: flow-controlled in both directions, half-closable. */
final class MuxStream implements SecureStream {
    private final MuxSession session;
    private final int id;
    private final WindowTuner tuner;
    private final ByteInbox inbox;
    private final Out out = new Out();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition windowOpen = lock.newCondition();
    private long sendWindow;
    /** Bytes the peer may still send before we grant more. */
    private long receiveCredit;
    /** Bytes the application consumed that we have not yet granted back. */
    private long ungranted;
    private boolean localFin;
    private boolean remoteFin;
    private boolean inputAbandoned;
    private IOException failure;

    MuxStream(MuxSession session, int id, long sendWindow, int receiveWindow, long maxReceiveWindow) {
        this.session = session;
        this.id = id;
        this.sendWindow = sendWindow;
        this.tuner = new WindowTuner(receiveWindow, maxReceiveWindow);
        this.receiveCredit = receiveWindow;
        this.inbox = new ByteInbox(this::consumed, this::inputClosed);
    }

    /** The current receive window (grows by autotuning). */
    long receiveWindow() {
        lock.lock();
        try {
            return tuner.window();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public InputStream input() {
        return inbox.stream();
    }

    @Override
    public OutputStream output() {
        return out;
    }

    // ------------------------------------------------------------ from the session's reader

    void onData(byte[] payload) {
        boolean abandoned;
        lock.lock();
        try {
            if (payload.length > receiveCredit) {
                session.protocolError("stream " + id + " sent " + payload.length + " bytes with only " + receiveCredit + " granted");
                return;
            }
            receiveCredit -= payload.length;
            abandoned = inputAbandoned;
        } finally {
            lock.unlock();
        }
        if (abandoned) {
            consumed(payload.length); // nobody reads: keep the peer's window open
        } else if (payload.length > 0) {
            inbox.offer(payload);
        }
    }

    void onWindowUpdate(long delta) {
        lock.lock();
        try {
            sendWindow += delta;
            windowOpen.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void onFin() {
        inbox.finish();
        lock.lock();
        try {
            remoteFin = true;
        } finally {
            lock.unlock();
        }
        maybeRemove();
    }

    void onReset() {
        IOException e = new IOException("stream reset by peer");
        inbox.fail(e);
        lock.lock();
        try {
            failure = e;
            windowOpen.signalAll();
        } finally {
            lock.unlock();
        }
        session.removeStream(id);
    }

    void onSessionClosed(IOException e) {
        inbox.fail(e);
        lock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
            windowOpen.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------ from the application

    private void consumed(int n) {
        long grant = 0;
        lock.lock();
        try {
            ungranted += n;
            if (ungranted >= tuner.window() / 4 && !remoteFin) {
                grant = ungranted + tuner.onGrant(System.nanoTime(), session.rttNanos());
                ungranted = 0;
                receiveCredit += grant;
            }
        } finally {
            lock.unlock();
        }
        if (grant > 0) {
            try {
                session.writeFrame(Type.WINDOW_UPDATE, 0, id, grant, null, 0, 0);
            } catch (IOException ignored) {
                // session failing; readers see it
            }
        }
    }

    private void inputClosed() {
        long buffered;
        lock.lock();
        try {
            inputAbandoned = true;
            buffered = tuner.window() - receiveCredit - ungranted;
        } finally {
            lock.unlock();
        }
        if (buffered > 0) {
            consumed((int) buffered);
        }
    }

    private void maybeRemove() {
        lock.lock();
        try {
            if (!(localFin && remoteFin)) {
                return;
            }
        } finally {
            lock.unlock();
        }
        session.removeStream(id);
    }

    @Override
    public void reset() {
        lock.lock();
        try {
            localFin = true;
            failure = new IOException("stream reset locally");
            windowOpen.signalAll();
        } finally {
            lock.unlock();
        }
        inbox.fail(new IOException("stream reset locally"));
        try {
            session.writeFrame(Type.WINDOW_UPDATE, MuxFrame.RST, id, 0, null, 0, 0);
        } catch (IOException ignored) {
            // session already gone
        }
        session.removeStream(id);
    }

    @Override
    public void close() {
        out.close();
        try {
            inbox.stream().close();
        } catch (IOException ignored) {
            // never thrown
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                int n;
                lock.lock();
                try {
                    while (true) {
                        if (failure != null) {
                            throw new IOException(failure.getMessage(), failure);
                        }
                        if (localFin) {
                            throw new IOException("stream output closed");
                        }
                        if (sendWindow > 0) {
                            break;
                        }
                        windowOpen.await(500, TimeUnit.MILLISECONDS);
                    }
                    n = (int) Math.min(Math.min(len, sendWindow), MuxFrame.MAX_PAYLOAD);
                    sendWindow -= n;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                } finally {
                    lock.unlock();
                }
                session.writeFrame(Type.DATA, 0, id, n, b, off, n);
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (localFin || failure != null) {
                    return;
                }
                localFin = true;
                windowOpen.signalAll();
            } finally {
                lock.unlock();
            }
            try {
                session.writeFrame(Type.DATA, MuxFrame.FIN, id, 0, null, 0, 0);
            } catch (IOException ignored) {
                // session failing
            }
            maybeRemove();
        }
    }
}
