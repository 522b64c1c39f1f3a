package dev.peerlink.transfer;

import dev.peerlink.transfer.internal.FastCdc;
import java.io.IOException;
import java.io.InputStream;

/**
 * Streams content through content-defined chunking ({@link FastCdc}) with a fixed buffer of
 * {@code 2 * max} bytes, whatever the content size. Deterministic: the same bytes and parameters
 * always give the same boundaries.
 */
public final class Chunker {
    /** Receives each chunk in order; the buffer is only valid during the call. */
    @FunctionalInterface
    public interface Sink {
        void chunk(long offset, byte[] buf, int off, int len) throws IOException;
    }

    private Chunker() {}

    /** Splits the stream (not closed) and returns its total length. */
    public static long split(InputStream in, ChunkingParams params, Sink sink) throws IOException {
        FastCdc cdc = new FastCdc(params);
        int max = params.max();
        byte[] buf = new byte[2 * max];
        int start = 0;
        int end = 0;
        boolean eof = false;
        long offset = 0;
        while (true) {
            if (!eof && end - start < max) {
                if (buf.length - start < max) {
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                }
                while (end - start < max) {
                    int n = in.read(buf, end, buf.length - end);
                    if (n < 0) {
                        eof = true;
                        break;
                    }
                    end += n;
                }
            }
            int available = end - start;
            if (available == 0) {
                return offset;
            }
            int len = cdc.cut(buf, start, available);
            sink.chunk(offset, buf, start, len);
            offset += len;
            start += len;
        }
    }
}
