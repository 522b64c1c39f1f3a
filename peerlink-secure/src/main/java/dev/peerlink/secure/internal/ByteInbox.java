package dev.peerlink.secure.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Received bytes of one stream waiting for the application: filled by the transport, drained by a blocking
 * {@link InputStream}. Tells the transport how much was consumed (flow control / read resumption).
 */
public final class ByteInbox {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final IntConsumer onConsumed;
    private final Runnable onInputClosed;
    private int headOffset;
    private long buffered;
    private boolean eof;
    private boolean closedByReader;
    private IOException failure;
    private final InputStream stream = new In();

    /**
     * @param onConsumed called (outside the lock) with the number of bytes the application just read
     * @param onInputClosed called once when the application closes the input before end-of-stream
     */
    public ByteInbox(IntConsumer onConsumed, Runnable onInputClosed) {
        this.onConsumed = onConsumed;
        this.onInputClosed = onInputClosed;
    }

    public InputStream stream() {
        return stream;
    }

    /** Adds received bytes (takes ownership of the array). Returns the bytes now buffered. */
    public long offer(byte[] data) {
        lock.lock();
        try {
            if (eof || failure != null || closedByReader) {
                return buffered;
            }
            if (data.length > 0) {
                chunks.add(data);
                buffered += data.length;
                readable.signalAll();
            }
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    public long buffered() {
        lock.lock();
        try {
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    /** End of stream after the buffered bytes (peer's FIN). */
    public void finish() {
        lock.lock();
        try {
            eof = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Fails the reader (after nothing: buffered bytes are dropped, as on a reset). No effect after finish(). */
    public void fail(IOException e) {
        lock.lock();
        try {
            if (!eof && failure == null) {
                failure = e;
                chunks.clear();
                buffered = 0;
            }
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isFinished() {
        lock.lock();
        try {
            return (eof && buffered == 0) || failure != null || closedByReader;
        } finally {
            lock.unlock();
        }
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            int n = 0;
            lock.lock();
            try {
                while (buffered == 0) {
                    if (closedByReader) {
                        throw new IOException("stream input closed");
                    }
                    if (failure != null) {
                        throw new IOException(failure.getMessage(), failure);
                    }
                    if (eof) {
                        return -1;
                    }
                    try {
                        readable.await(1, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException();
                    }
                }
                while (n < len && !chunks.isEmpty()) {
                    byte[] head = chunks.peek();
                    int k = Math.min(len - n, head.length - headOffset);
                    System.arraycopy(head, headOffset, b, off + n, k);
                    n += k;
                    headOffset += k;
                    if (headOffset == head.length) {
                        chunks.poll();
                        headOffset = 0;
                    }
                }
                buffered -= n;
            } finally {
                lock.unlock();
            }
            onConsumed.accept(n);
            return n;
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return (int) Math.min(Integer.MAX_VALUE, buffered);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            boolean notify;
            lock.lock();
            try {
                notify = !closedByReader && !(eof && buffered == 0) && failure == null;
                closedByReader = true;
                chunks.clear();
                buffered = 0;
                readable.signalAll();
            } finally {
                lock.unlock();
            }
            if (notify) {
                onInputClosed.run();
            }
        }
    }
}
