package dev.peerlink.cli;

import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * netcat {@code -N} over one secure stream: {@code in} → stream, stream → {@code out}. At end of {@code in} the
 * stream's output is closed (FIN) and reading goes on until the remote closes its side; then {@link #run} returns.
 * If the remote finishes first, {@code in} is still copied until its end (a half-closed stream is normal). Errors in
 * either direction end the pipe with an IOException (the stream is reset).
 */
public final class NetcatPipe {
    /** Per-direction copy buffer: 256 KiB moves a bulk transfer in 4 mux frames per call, not 1. */
    static final int BUFFER = 256 * 1024;

    private NetcatPipe() {
    }

    /**
     * Bytes moved so far in each direction (readable while the pipe runs and after it failed), and when the first
     * byte went out and came in ({@link System#currentTimeMillis}, 0 until then) for {@code connect --timing}.
     */
    public static final class Counts {
        private final long createdNanos = System.nanoTime();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        volatile long firstSentMillis;
        volatile long firstReceivedMillis;

        public long sent() {
            return sent.get();
        }

        public long received() {
            return received.get();
        }

        /**
         * {@code {"event":"closed","sentBytes":N,"receivedBytes":N,"transferMs":N}}: transferMs from when these counts
         * were made (the moment the connection stood) to now.
         */
        public String closedEvent() {
            return DeviceOptions.json("event", "closed", "sentBytes", String.valueOf(sent()),
                    "receivedBytes", String.valueOf(received()),
                    "transferMs", String.valueOf((System.nanoTime() - createdNanos) / 1_000_000));
        }
    }

    public static void run(SecureStream stream, InputStream in, OutputStream out) throws IOException {
        run(stream, in, out, new Counts());
    }

    public static void run(SecureStream stream, InputStream in, OutputStream out, Counts counts) throws IOException {
        AtomicReference<IOException> sendError = new AtomicReference<>();
        Thread sender = Thread.ofVirtual().name("peerlink-netcat-send").start(() -> {
            try {
                OutputStream so = stream.output();
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (n > 0) {
                        so.write(buf, 0, n);
                        so.flush();
                        if (counts.sent.getAndAdd(n) == 0) {
                            counts.firstSentMillis = System.currentTimeMillis();
                        }
                    }
                }
                so.close(); // FIN
            } catch (IOException e) {
                sendError.set(e);
                stream.reset(); // unblocks the reader
            }
        });
        try {
            byte[] buf = new byte[BUFFER];
            InputStream si = stream.input();
            int n;
            while ((n = si.read(buf)) >= 0) {
                if (n > 0 && counts.received.get() == 0) {
                    counts.firstReceivedMillis = System.currentTimeMillis();
                }
                out.write(buf, 0, n);
                out.flush();
                counts.received.addAndGet(n);
            }
            out.flush();
        } catch (IOException e) {
            IOException s = sendError.get();
            throw s != null ? s : e;
        }
        try {
            sender.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while sending");
        }
        if (sendError.get() != null) {
            throw sendError.get();
        }
        stream.close();
    }
}
