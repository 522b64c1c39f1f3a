package dev.peerlink.cli;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.ChecksumException;
import com.google.zxing.DecodeHintType;
import com.google.zxing.EncodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.LuminanceSource;
import com.google.zxing.NotFoundException;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * QR codes for pairing (ZXing): to the terminal, to PNG, and back from an image.
 *
 * <p>Error correction M (15%), quiet zone of {@link #QUIET_ZONE} modules. Pairing codes use only the alphanumeric set,
 * so ZXing picks alphanumeric mode for the whole text.
 */
public final class PairingQr {
    /** Modules of light margin around the symbol, as ISO/IEC 18004 asks. */
    public static final int QUIET_ZONE = 4;
    /** Pixels per module in the PNG. */
    public static final int PNG_SCALE = 8;

    private PairingQr() {
    }

    /**
     * The symbol with its quiet zone, one bit per module (true = dark). ZXing's encoder picks the mask with the lowest
     * ISO 18004 penalty, yet about one symbol in 70 of ours is then not found by ZXing's own detector (42 of 3,000
     * random pairing codes, drawn at 8 px per module): a finder-like run in the data fools it. Every symbol is read
     * back before use, and another mask is taken while the reader can't find it.
     */
    public static BitMatrix matrix(String text) {
        BitMatrix first = null;
        for (int mask = -1; mask < 8; mask++) {
            BitMatrix m = encode(text, mask);
            if (first == null) {
                first = m;
            }
            if (readsBack(m, text)) {
                return m;
            }
        }
        return first; // not seen: no mask of eight reads back
    }

    private static BitMatrix encode(String text, int mask) {
        Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
        hints.put(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M);
        hints.put(EncodeHintType.MARGIN, QUIET_ZONE);
        if (mask >= 0) {
            hints.put(EncodeHintType.QR_MASK_PATTERN, mask);
        }
        try {
            return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, hints);
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode a QR code: " + e.getMessage(), e);
        }
    }

    private static boolean readsBack(BitMatrix m, String text) {
        try {
            return text.equals(read(new BufferedImageLuminanceSource(MatrixToImageWriter.toBufferedImage(scaled(m))), false));
        } catch (NotFoundException | ChecksumException | FormatException e) {
            return false;
        }
    }

    private static BitMatrix scaled(BitMatrix m) {
        BitMatrix big = new BitMatrix(m.getWidth() * PNG_SCALE, m.getHeight() * PNG_SCALE);
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                if (m.get(x, y)) {
                    big.setRegion(x * PNG_SCALE, y * PNG_SCALE, PNG_SCALE, PNG_SCALE);
                }
            }
        }
        return big;
    }

    private static String read(LuminanceSource src, boolean pure) throws NotFoundException, ChecksumException, FormatException {
        Map<DecodeHintType, Object> hints = new EnumMap<>(DecodeHintType.class);
        hints.put(DecodeHintType.TRY_HARDER, Boolean.TRUE);
        hints.put(DecodeHintType.POSSIBLE_FORMATS, java.util.List.of(BarcodeFormat.QR_CODE));
        if (pure) {
            hints.put(DecodeHintType.PURE_BARCODE, Boolean.TRUE);
        }
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(src)), hints).getText();
    }

    /**
     * Terminal rendering, two module rows per text line with Unicode half blocks.
     *
     * @param ansi true: explicit colours (black on white via ANSI SGR 30/47 per cell), right on dark and light
     *     terminals alike; false: plain characters that draw the <em>light</em> modules as blocks, meant for the usual
     *     light-text-on-dark terminal (inverted on a light background; say so next to it)
     */
    public static String toTerminal(String text, boolean ansi) {
        BitMatrix m = matrix(text);
        StringBuilder sb = new StringBuilder();
        for (int y = 0; y < m.getHeight(); y += 2) {
            if (ansi) {
                sb.append("\u001b[30;47m"); // dark foreground, light background
            }
            for (int x = 0; x < m.getWidth(); x++) {
                boolean top = m.get(x, y);
                boolean bottom = y + 1 < m.getHeight() ? m.get(x, y + 1) : false;
                if (ansi) {
                    // foreground (the glyph) draws dark modules
                    sb.append(top ? (bottom ? '\u2588' : '\u2580') : (bottom ? '\u2584' : ' '));
                } else {
                    // the glyph draws light modules (light text on a dark terminal)
                    sb.append(!top ? (!bottom ? '\u2588' : '\u2580') : (!bottom ? '\u2584' : ' '));
                }
            }
            if (ansi) {
                sb.append("\u001b[0m");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Whether to use ANSI colours on stderr: a console, a TERM that is not "dumb", and no NO_COLOR. */
    public static boolean ansiTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && System.getenv("NO_COLOR") == null && term != null && !term.equals("dumb");
    }

    /** The QR code of {@code text} as PNG bytes (the receiver's web page serves them). */
    public static byte[] png(String text) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            com.google.zxing.client.j2se.MatrixToImageWriter.writeToStream(scaled(matrix(text)), "PNG", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes the code as a PNG ({@link #PNG_SCALE} px per module), atomically (temp file, then move). */
    public static void writePng(String text, Path file) throws IOException {
        BitMatrix big = scaled(matrix(text));
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, ".pairing", ".png");
        try {
            MatrixToImageWriter.writeToPath(big, "PNG", tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads the QR code in an image file (PNG, or any format ImageIO reads). */
    public static String decode(Path file) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IOException(file + " is not an image this program can read (use a PNG)");
        }
        return decode(img, file.toString());
    }

    /**
     * Reads the QR code in an image; also inverted (light on dark) ones. A symbol the detector can't find is tried once
     * more as a pure, axis-aligned barcode (what a PNG of ours from before the read-back check is).
     */
    public static String decode(BufferedImage img, String what) throws IOException {
        LuminanceSource src = new BufferedImageLuminanceSource(img);
        Exception last = null;
        for (boolean pure : new boolean[] {false, true}) {
            for (LuminanceSource s : new LuminanceSource[] {src, src.invert()}) {
                try {
                    return read(s, pure);
                } catch (NotFoundException | ChecksumException | FormatException e) {
                    if (last == null || !(e instanceof NotFoundException)) {
                        last = e;
                    }
                }
            }
        }
        if (last instanceof NotFoundException) {
            throw new IOException("no QR code found in " + what);
        }
        throw new IOException("the QR code in " + what + " is damaged or unreadable");
    }
}
