package dev.peerlink.rtmp.flv;

/**
 * FLV mux (FLV spec v10, annex E.2–E.3): the 9-byte file header with PreviousTagSize0, then each tag as an 11-byte tag
 * header, the body and its PreviousTagSize. Pure: returns bytes, so the same code writes a recording, an HTTP-FLV
 * response and a test vector.
 */
public final class FlvWriter {
    /** Header (9 bytes) plus PreviousTagSize0 (4 zero bytes). */
    public static final int HEADER_SIZE = 13;
    /** Tag header (11 bytes) plus the trailing PreviousTagSize (4 bytes). */
    public static final int TAG_OVERHEAD = 15;

    private FlvWriter() {}

    /** "FLV", version 1, the audio/video presence flags, header length 9, and PreviousTagSize0 = 0. */
    public static byte[] header(boolean audio, boolean video) {
        byte[] b = new byte[HEADER_SIZE];
        b[0] = 'F';
        b[1] = 'L';
        b[2] = 'V';
        b[3] = 1;
        b[4] = (byte) ((audio ? 0x04 : 0) | (video ? 0x01 : 0));
        b[8] = 9;
        return b;
    }

    /** One tag with its trailing PreviousTagSize; stream id always 0. */
    public static byte[] tag(FlvTag tag) {
        byte[] body = tag.body();
        byte[] b = new byte[TAG_OVERHEAD + body.length];
        writeTag(tag, b, 0);
        return b;
    }

    /** Writes {@code tag} at {@code offset} of {@code out} (which has room for {@link #TAG_OVERHEAD} + body bytes). */
    public static int writeTag(FlvTag tag, byte[] out, int offset) {
        byte[] body = tag.body();
        long ts = tag.timestamp();
        int o = offset;
        out[o++] = (byte) tag.type();
        out[o++] = (byte) (body.length >>> 16);
        out[o++] = (byte) (body.length >>> 8);
        out[o++] = (byte) body.length;
        out[o++] = (byte) (ts >>> 16);
        out[o++] = (byte) (ts >>> 8);
        out[o++] = (byte) ts;
        out[o++] = (byte) (ts >>> 24); // TimestampExtended: the upper 8 bits
        o += 3; // StreamID, always 0
        System.arraycopy(body, 0, out, o, body.length);
        o += body.length;
        int previous = 11 + body.length;
        out[o++] = (byte) (previous >>> 24);
        out[o++] = (byte) (previous >>> 16);
        out[o++] = (byte) (previous >>> 8);
        out[o++] = (byte) previous;
        return o - offset;
    }
}
