package dev.peerlink.cast.media;

import java.util.OptionalLong;

/**
 * A wall-clock time in milliseconds drawn as big black/white blocks filling a frame, and read back from a decoded
 * frame: the latency benchmark's way to carry the sender's clock through capture, H.264, RTMP and decode.
 *
 * <p>Layout: an 8×7 grid, row-major from the top left, one bit per block: 48 bits of the time (most significant
 * first, enough until the year 10889) then a CRC-8. Blocks are a tenth of the frame or more, so H.264 blur touches only
 * their edges: reading averages the middle half of each block and thresholds at mid-grey. The CRC starts at 0xFF, so
 * an all-black or all-white frame is not a valid time.
 */
public final class ClockPattern {
    public static final int COLUMNS = 8;
    public static final int ROWS = 7;
    private static final int TIME_BITS = 48;
    private static final int CRC_BITS = 8;

    private ClockPattern() {}

    /** An 8-bit grey frame ({@code width × height} bytes, row-major) showing {@code millis}. */
    public static byte[] render(long millis, int width, int height) {
        byte[] frame = new byte[width * height];
        render(millis, width, height, frame);
        return frame;
    }

    /** Draws into {@code frame} (reused between frames to spare the garbage). */
    public static void render(long millis, int width, int height, byte[] frame) {
        checkSize(width, height);
        if (millis < 0 || millis >= 1L << TIME_BITS) {
            throw new IllegalArgumentException("time out of 48 bits: " + millis);
        }
        if (frame.length < width * height) {
            throw new IllegalArgumentException("frame buffer too small");
        }
        boolean[] bits = bits(millis);
        for (int y = 0; y < height; y++) {
            int row = y * ROWS / height;
            int base = y * width;
            for (int x = 0; x < width; x++) {
                frame[base + x] = bits[row * COLUMNS + x * COLUMNS / width] ? (byte) 0xFF : 0;
            }
        }
    }

    /**
     * Reads the time from a decoded frame of {@code channels} bytes per pixel (1 for grey, 3 for rgb24/bgr24, 4 for
     * rgba; the first channel is used, since black and white are equal in all). Empty when the checksum does not match
     * (not a clock frame, or damaged beyond the threshold).
     */
    public static OptionalLong read(byte[] frame, int width, int height, int channels) {
        checkSize(width, height);
        if (channels < 1 || frame.length < width * height * channels) {
            throw new IllegalArgumentException("frame of " + frame.length + " bytes is not " + width + "x" + height + "x" + channels);
        }
        long time = 0;
        int crc = 0;
        for (int i = 0; i < TIME_BITS + CRC_BITS; i++) {
            int bit = cellMean(frame, width, height, channels, i % COLUMNS, i / COLUMNS) >= 128 ? 1 : 0;
            if (i < TIME_BITS) {
                time = (time << 1) | bit;
            } else {
                crc = (crc << 1) | bit;
            }
        }
        return crc == crc8(time) ? OptionalLong.of(time) : OptionalLong.empty();
    }

    private static int cellMean(byte[] frame, int width, int height, int channels, int col, int row) {
        // the middle half of the cell in each direction
        int x0 = col * width / COLUMNS;
        int x1 = (col + 1) * width / COLUMNS;
        int y0 = row * height / ROWS;
        int y1 = (row + 1) * height / ROWS;
        int qx = (x1 - x0) / 4;
        int qy = (y1 - y0) / 4;
        long sum = 0;
        int n = 0;
        for (int y = y0 + qy; y < y1 - qy; y++) {
            for (int x = x0 + qx; x < x1 - qx; x++) {
                sum += frame[(y * width + x) * channels] & 0xFF;
                n++;
            }
        }
        return (int) (sum / n);
    }

    private static boolean[] bits(long millis) {
        boolean[] bits = new boolean[COLUMNS * ROWS];
        for (int i = 0; i < TIME_BITS; i++) {
            bits[i] = ((millis >>> (TIME_BITS - 1 - i)) & 1) != 0;
        }
        int crc = crc8(millis);
        for (int i = 0; i < CRC_BITS; i++) {
            bits[TIME_BITS + i] = ((crc >>> (CRC_BITS - 1 - i)) & 1) != 0;
        }
        return bits;
    }

    /** CRC-8 (polynomial 0x07) over the 6 bytes of the time, initial value 0xFF. */
    static int crc8(long millis) {
        int crc = 0xFF;
        for (int b = 5; b >= 0; b--) {
            crc ^= (int) (millis >>> (8 * b)) & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
            }
        }
        return crc;
    }

    private static void checkSize(int width, int height) {
        if (width < 4 * COLUMNS || height < 4 * ROWS) {
            throw new IllegalArgumentException("frame too small for the clock pattern: " + width + "x" + height);
        }
    }
}
