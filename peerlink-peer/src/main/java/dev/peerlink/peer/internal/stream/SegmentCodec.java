package dev.peerlink.peer.internal.stream;

import dev.peerlink.peer.internal.stream.StreamFramingException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The framing {@link MigratingConnection} puts on each physical (unidirectional) stream: a 9-byte header, then, for
 * DATA segments, chunks with a 4-byte big-endian code. Pure: no state beyond the streams it is handed.
 *
 * <pre>
 * header: kind (1) | logical stream id (4) | segment number (4)      DRAIN: "id" = number of streams opened
 * chunk:  n &gt; 0: n data bytes follow (n &le; 65,536) | 0 END | -1 MOVED | -2 RESET
 * </pre>
 */
public final class SegmentCodec {
    public static final int HEADER_LENGTH = 9;
    public static final int MAX_CHUNK = 65_536;
    public static final int END = 0;
    public static final int MOVED = -1;
    public static final int RESET = -2;

    /** What a physical stream carries. */
    public enum Kind {
        /** One segment of one direction of a logical stream: chunks follow. */
        DATA,
        /** Abort the logical stream (both directions); nothing follows. Used when no open segment can carry it. */
        RESET,
        /** "I open nothing more on this session; I opened {@code id} streams on it": lets both sides drain it. */
        DRAIN
    }

    /** A decoded header. For DRAIN, {@code streamId} is the count of streams the sender opened on the session. */
    public record Header(Kind kind, int streamId, int segment) {
    }

    private SegmentCodec() {
    }

    public static byte[] encodeHeader(Kind kind, int streamId, int segment) {
        byte[] b = new byte[HEADER_LENGTH];
        b[0] = (byte) kind.ordinal();
        putInt(b, 1, streamId);
        putInt(b, 5, segment);
        return b;
    }

    public static Header decodeHeader(byte[] b) throws StreamFramingException {
        if (b.length != HEADER_LENGTH) {
            throw new StreamFramingException(Reason.TRUNCATED, "header of " + b.length + " bytes");
        }
        int k = b[0] & 0xff;
        if (k >= Kind.values().length) {
            throw new StreamFramingException(Reason.BAD_KIND, "kind " + k);
        }
        Kind kind = Kind.values()[k];
        int id = getInt(b, 1);
        int segment = getInt(b, 5);
        if (kind == Kind.DRAIN) {
            if (id < 0 || segment != 0) {
                throw new StreamFramingException(Reason.SEGMENT_ORDER, "drain count " + id + ", segment " + segment);
            }
        } else if (id <= 0) {
            throw new StreamFramingException(Reason.BAD_STREAM_ID, "logical stream id " + id);
        } else if (segment < 0 || (kind == Kind.RESET && segment != 0)) {
            throw new StreamFramingException(Reason.SEGMENT_ORDER, "segment " + segment + " of " + kind);
        }
        return new Header(kind, id, segment);
    }

    /** Reads a whole header; EOF inside it is {@link Reason#TRUNCATED}. */
    public static Header readHeader(InputStream in) throws IOException {
        byte[] b = in.readNBytes(HEADER_LENGTH);
        if (b.length < HEADER_LENGTH) {
            throw new StreamFramingException(Reason.TRUNCATED, "stream ended inside the segment header");
        }
        return decodeHeader(b);
    }

    /** Validates a chunk code: returns it (n &gt; 0 data, END, MOVED or RESET) or throws. */
    public static int checkCode(int code) throws StreamFramingException {
        if (code > MAX_CHUNK) {
            throw new StreamFramingException(Reason.TOO_LONG, "chunk of " + code + " bytes");
        }
        if (code < RESET) {
            throw new StreamFramingException(Reason.BAD_CODE, "chunk code " + code);
        }
        return code;
    }

    /**
     * Reads the next chunk code. EOF before it is {@link Reason#TRUNCATED}: a segment always ends with END, MOVED or
     * RESET, and its writer closes the physical stream only after one of them.
     */
    public static int readCode(InputStream in, byte[] scratch4) throws IOException {
        int n = in.readNBytes(scratch4, 0, 4);
        if (n < 4) {
            throw new StreamFramingException(Reason.TRUNCATED, n == 0
                    ? "segment ended without END, MOVED or RESET" : "stream ended inside a chunk header");
        }
        return checkCode(getInt(scratch4, 0));
    }

    /** Reads the {@code n} data bytes of a chunk into a new array. */
    public static byte[] readData(InputStream in, int n) throws IOException {
        byte[] d = in.readNBytes(n);
        if (d.length < n) {
            throw new StreamFramingException(Reason.TRUNCATED, "stream ended inside a chunk (" + d.length + " of " + n + " bytes)");
        }
        return d;
    }

    /** Writes a chunk code (4 bytes) using {@code scratch4}. */
    public static void writeCode(OutputStream out, int code, byte[] scratch4) throws IOException {
        putInt(scratch4, 0, code);
        out.write(scratch4, 0, 4);
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
