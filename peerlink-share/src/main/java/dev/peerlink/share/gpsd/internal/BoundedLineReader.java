package dev.peerlink.share.gpsd.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads '\n'-terminated UTF-8 lines with a byte cap, so a peer that never sends a newline cannot make
 * us buffer without bound (BufferedReader.readLine would). An oversized line is consumed to its end
 * and reported as {@link LineTooLongException}; the next call continues with the following line.
 */
public final class BoundedLineReader {
    /** Thrown for a line over the cap; the stream is positioned after it. */
    public static final class LineTooLongException extends IOException {
        public LineTooLongException(long length, int max) {
            super("line of " + length + "+ bytes; at most " + max);
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    /** @param in should be buffered; it is read a byte at a time */
    public BoundedLineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line without its terminator ('\r' before '\n' dropped too), or null at end of stream. */
    public String readLine() throws IOException {
        line.reset();
        long length = 0;
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                if (length > maxBytes) {
                    throw new LineTooLongException(length, maxBytes);
                }
                return text();
            }
            length++;
            if (length <= maxBytes) {
                line.write(b);
            }
        }
        if (length == 0) {
            return null;
        }
        if (length > maxBytes) {
            throw new LineTooLongException(length, maxBytes);
        }
        return text(); // a last line without terminator
    }

    private String text() {
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
