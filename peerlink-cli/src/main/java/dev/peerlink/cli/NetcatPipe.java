package dev.peerlink.cli;

import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    public static void run(SecureStream stream, InputStream in, OutputStream out) throws IOException {
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
                out.write(buf, 0, n);
                out.flush();
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
