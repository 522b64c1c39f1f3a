package dev.peerlink.share;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Network identifiers devices report for the same-network scene, in wire form:
 * {@code cell:<id>} (1-64 of [A-Za-z0-9-], e.g. {@code cell:460-00-4567-12345}) or
 * {@code wifi:<32 lowercase hex>}, the first 16 bytes of SHA-256(salt UTF-8, 0x00, BSSID as
 * {@code aa:bb:cc:dd:ee:ff}). A raw BSSID locates its access point in public databases, so only the
 * salted hash is ever sent; {@link #validate} refuses anything that looks like a MAC (for cell ids,
 * a MAC with separators: a bare 12-digit cell id is ordinary).
 */
public final class NetworkId {
    public static final String DEFAULT_SALT = "peerlink-share-v1";
    public static final String CELL_PREFIX = "cell:", WIFI_PREFIX = "wifi:";
    /** Longest wire form: the cell prefix plus 64 id characters. */
    public static final int MAX_LENGTH = CELL_PREFIX.length() + 64;
    static final String RAW_BSSID = "raw BSSIDs never go on the wire; hash them with NetworkId.wifi";

    private static final int MAX_SALT_LENGTH = 256;
    private static final Pattern CELL_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern WIFI_HASH = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern MAC_COLON = Pattern.compile("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final Pattern MAC_DASH = Pattern.compile("(?i)[0-9a-f]{2}(-[0-9a-f]{2}){5}");
    private static final Pattern MAC_DOTS = Pattern.compile("(?i)[0-9a-f]{4}(\\.[0-9a-f]{4}){2}");
    private static final Pattern MAC_BARE = Pattern.compile("(?i)[0-9a-f]{12}");

    private NetworkId() {
    }

    /** {@code cell:<id>}; @throws IllegalArgumentException unless id is 1-64 of [A-Za-z0-9-] */
    public static String cell(String id) {
        if (id == null || !CELL_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("cell id must be 1-64 characters of [A-Za-z0-9-], got '" + id + "'");
        }
        if (looksLikeSeparatedMac(id)) {
            throw new IllegalArgumentException(RAW_BSSID);
        }
        return CELL_PREFIX + id;
    }

    /** The salted hash of a BSSID in any of the forms {@link #normaliseBssid} accepts. */
    public static String wifi(String bssid, String salt) {
        if (salt == null || salt.isEmpty() || salt.length() > MAX_SALT_LENGTH) {
            throw new IllegalArgumentException("salt must be 1-" + MAX_SALT_LENGTH + " characters");
        }
        byte[] saltBytes = salt.getBytes(StandardCharsets.UTF_8);
        byte[] macBytes = normaliseBssid(bssid).getBytes(StandardCharsets.US_ASCII);
        MessageDigest sha = sha256();
        sha.update(saltBytes);
        sha.update((byte) 0);
        sha.update(macBytes);
        byte[] digest = sha.digest();
        return WIFI_PREFIX + HexFormat.of().formatHex(digest, 0, 16);
    }

    /** {@link #wifi(String, String)} with {@link #DEFAULT_SALT}. */
    public static String wifi(String bssid) {
        return wifi(bssid, DEFAULT_SALT);
    }

    /**
     * A BSSID as lowercase {@code aa:bb:cc:dd:ee:ff}, from colon, dash, Cisco-dot
     * ({@code aabb.ccdd.eeff}) or bare 12-hex-digit form, any case.
     */
    public static String normaliseBssid(String bssid) {
        String s = bssid == null ? "" : bssid.trim();
        if (!looksLikeMac(s)) {
            throw new IllegalArgumentException("expected a BSSID like aa:bb:cc:dd:ee:ff, got '" + bssid + "'");
        }
        String hex = s.replaceAll("[:.-]", "").toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(hex, i, i + 2);
        }
        return out.toString();
    }

    /**
     * Returns {@code wireForm} when it is a valid network id.
     *
     * @throws IllegalArgumentException naming the problem; for a raw MAC/BSSID (unprefixed, behind
     *         {@code wifi:}, or a separated MAC behind {@code cell:}) the message is {@value #RAW_BSSID}
     */
    public static String validate(String wireForm) {
        if (wireForm == null || wireForm.isEmpty()) {
            throw new IllegalArgumentException("network id is empty");
        }
        if (wireForm.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("network id longer than " + MAX_LENGTH + " characters");
        }
        boolean cell = wireForm.startsWith(CELL_PREFIX);
        String body = cell || wireForm.startsWith(WIFI_PREFIX) ? wireForm.substring(CELL_PREFIX.length()) : wireForm;
        if (cell ? looksLikeSeparatedMac(body) : looksLikeMac(body)) {
            throw new IllegalArgumentException(RAW_BSSID);
        }
        if (cell) {
            if (!CELL_ID.matcher(body).matches()) {
                throw new IllegalArgumentException("cell id must be 1-64 characters of [A-Za-z0-9-], got '" + wireForm + "'");
            }
        } else if (wireForm.startsWith(WIFI_PREFIX)) {
            if (!WIFI_HASH.matcher(body).matches()) {
                throw new IllegalArgumentException("wifi id must be 32 lowercase hex digits (NetworkId.wifi), got '" + wireForm + "'");
            }
        } else {
            throw new IllegalArgumentException("network id must start with cell: or wifi:, got '" + wireForm + "'");
        }
        return wireForm;
    }

    public static boolean isWifi(String wireForm) {
        return wireForm != null && wireForm.startsWith(WIFI_PREFIX) && WIFI_HASH.matcher(wireForm.substring(WIFI_PREFIX.length())).matches();
    }

    public static boolean isCell(String wireForm) {
        if (wireForm == null || !wireForm.startsWith(CELL_PREFIX)) {
            return false;
        }
        String id = wireForm.substring(CELL_PREFIX.length());
        return CELL_ID.matcher(id).matches() && !looksLikeSeparatedMac(id);
    }

    private static boolean looksLikeMac(String s) {
        return looksLikeSeparatedMac(s) || MAC_BARE.matcher(s).matches();
    }

    /** Cell ids skip the bare 12-hex-digit test: a 12-digit numeric cell id is ordinary. */
    private static boolean looksLikeSeparatedMac(String s) {
        return MAC_COLON.matcher(s).matches() || MAC_DASH.matcher(s).matches() || MAC_DOTS.matcher(s).matches();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
