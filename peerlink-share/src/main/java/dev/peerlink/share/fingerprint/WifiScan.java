package dev.peerlink.share.fingerprint;

import dev.peerlink.share.fingerprint.internal.ScanFormats;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a Wi-Fi scan dump into a {@link WifiFingerprint}. Three formats are recognised by their shape:
 * <ul>
 *   <li>JSON: {@code [{"bssid":"aa:bb:cc:dd:ee:ff","rssi":-61}, ...]};</li>
 *   <li>the text of {@code iw dev wlan0 scan} ({@code BSS ...} lines and their {@code signal: -61.00 dBm});</li>
 *   <li>{@code nmcli -t -f BSSID,SIGNAL dev wifi} ({@code AA\:BB\:...:72}, a 0-100 quality, mapped to
 *       dBm = pct / 2 - 100).</li>
 * </ul>
 * More than 64 access points keeps the 64 strongest. Everything else is refused with an
 * IllegalArgumentException naming the problem.
 */
public final class WifiScan {
    public static final int MAX_FILE_BYTES = 1 << 20;

    /** The dump formats, as {@link #detect} names them. */
    public enum Format { JSON, IW, NMCLI }

    private WifiScan() {}

    /** {@link #read(Path, String)} with {@link WifiFingerprint#DEFAULT_SALT}. */
    public static WifiFingerprint read(Path file) throws IOException {
        return read(file, WifiFingerprint.DEFAULT_SALT);
    }

    /**
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException for a file over 1 MiB, not UTF-8, or in no recognised format
     */
    public static WifiFingerprint read(Path file, String salt) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("scan file " + file + " is " + size + " bytes; at most " + MAX_FILE_BYTES);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1); // it may have grown since the size check
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("scan file " + file + " is over " + MAX_FILE_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("scan file " + file + " is not UTF-8 text");
        }
        return parse(text, salt);
    }

    /** Parses a dump already in memory; see the class comment. */
    public static WifiFingerprint parse(String text, String salt) {
        if (text == null || text.length() > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("scan text missing or over " + MAX_FILE_BYTES + " characters");
        }
        Map<String, Integer> byBssid = switch (detect(text)) {
            case JSON -> ScanFormats.json(text);
            case IW -> ScanFormats.iw(text);
            case NMCLI -> ScanFormats.nmcli(text);
        };
        return WifiFingerprint.ofBssids(strongest(byBssid, WifiFingerprint.MAX_ACCESS_POINTS), salt);
    }

    /** @throws IllegalArgumentException when the text is none of the formats */
    public static Format detect(String text) {
        String head = text.stripLeading();
        if (head.isEmpty()) {
            throw new IllegalArgumentException("scan is empty");
        }
        if (head.charAt(0) == '[') {
            return Format.JSON;
        }
        if (ScanFormats.looksLikeIw(text)) {
            return Format.IW;
        }
        if (ScanFormats.looksLikeNmcli(text)) {
            return Format.NMCLI;
        }
        throw new IllegalArgumentException("unrecognised scan format: expected a JSON array of {bssid, rssi}, the output of "
                + "'iw dev <if> scan', or of 'nmcli -t -f BSSID,SIGNAL dev wifi'");
    }

    /** The {@code limit} strongest readings (ties by BSSID, so the choice is repeatable). */
    private static Map<String, Integer> strongest(Map<String, Integer> byBssid, int limit) {
        Map<String, Integer> kept = new LinkedHashMap<>();
        byBssid.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .forEach(e -> kept.put(e.getKey(), e.getValue()));
        return kept;
    }
}
