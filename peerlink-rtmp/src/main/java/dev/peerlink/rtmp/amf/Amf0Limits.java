package dev.peerlink.rtmp.amf;

/**
 * Bounds for one {@link Amf0Reader}: how deep containers may nest, how many values one message may hold in total, and
 * how long one string may be. Real commands and onMetaData hold a few dozen values, nest two levels and carry strings
 * of a few hundred bytes, so the defaults leave wide room while keeping a hostile 16 MiB message from turning into
 * millions of objects.
 *
 * @param maxDepth       containers (object, ECMA array, strict array) nested deeper fail with AMF_TOO_DEEP
 * @param maxElements    values in one reader's lifetime (container entries included) beyond this fail with AMF_TOO_LARGE
 * @param maxStringBytes a string or long string (or an object key) longer than this fails with AMF_TOO_LARGE
 */
public record Amf0Limits(int maxDepth, int maxElements, int maxStringBytes) {
    public static final Amf0Limits DEFAULT = new Amf0Limits(32, 65_536, 1 << 20);

    public Amf0Limits {
        if (maxDepth < 1 || maxElements < 1 || maxStringBytes < 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxDepth + ", " + maxElements + ", " + maxStringBytes);
        }
    }
}
