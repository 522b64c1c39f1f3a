package dev.peerlink.share.fingerprint.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three scan dumps {@code WifiScan} understands, each parsed to RSSI (dBm) by raw BSSID. A BSSID
 * heard twice keeps its stronger reading. Messages name the line or element at fault.
 */
public final class ScanFormats {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAC = "[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}";
    /** {@code BSS aa:bb:cc:dd:ee:ff(on wlan0)}, optionally followed by " -- associated". */
    private static final Pattern IW_BSS = Pattern.compile("^BSS (" + MAC + ")(?:\\(on [^)]*\\))?(?:\\s.*)?$");
    private static final Pattern IW_SIGNAL = Pattern.compile("^\\s+signal:\\s*(-?\\d{1,3}(?:\\.\\d+)?) dBm\\s*$");
    /** {@code AA\:BB\:CC\:DD\:EE\:FF:72}: nmcli's terse mode escapes the colons inside a field. */
    private static final Pattern NMCLI = Pattern.compile("^([0-9A-Fa-f]{2}(?:\\\\:[0-9A-Fa-f]{2}){5}):(\\d{1,3})$");

    private ScanFormats() {}

    public static boolean looksLikeIw(String text) {
        return text.lines().anyMatch(l -> IW_BSS.matcher(l).matches());
    }

    public static boolean looksLikeNmcli(String text) {
        return text.lines().filter(l -> !l.isBlank()).findFirst().map(l -> NMCLI.matcher(l.strip()).matches()).orElse(false);
    }

    /** {@code [{"bssid":"aa:bb:cc:dd:ee:ff","rssi":-61}, ...]}; other fields are ignored. */
    public static Map<String, Integer> json(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON scan: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("JSON scan must be an array of {\"bssid\":..., \"rssi\":...}");
        }
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode entry = root.get(i);
            JsonNode bssid = entry.get("bssid");
            JsonNode rssi = entry.get("rssi");
            if (!entry.isObject() || bssid == null || !bssid.isTextual() || rssi == null || !rssi.isNumber()) {
                throw new IllegalArgumentException("JSON scan element " + i + " needs a string \"bssid\" and a numeric \"rssi\"");
            }
            put(out, bssid.asText(), dbm(rssi.asDouble(), "element " + i));
        }
        return out;
    }

    /** The text of {@code iw dev <if> scan}: a {@code BSS} line opens each block, its {@code signal:} line is taken. */
    public static Map<String, Integer> iw(String text) {
        Map<String, Integer> out = new HashMap<>();
        String current = null;
        int lineNo = 0;
        for (String line : (Iterable<String>) text.lines()::iterator) {
            lineNo++;
            Matcher bss = IW_BSS.matcher(line);
            if (bss.matches()) {
                current = bss.group(1);
                continue;
            }
            Matcher signal = IW_SIGNAL.matcher(line);
            if (signal.matches()) {
                if (current == null) {
                    throw new IllegalArgumentException("iw scan line " + lineNo + ": signal before any BSS line");
                }
                put(out, current, dbm(Double.parseDouble(signal.group(1)), "line " + lineNo));
                current = null; // one signal per BSS block
            } else if (line.strip().startsWith("signal:")) {
                throw new IllegalArgumentException("iw scan line " + lineNo + ": expected 'signal: <dBm> dBm', got '" + line.strip() + "'");
            }
        }
        return out;
    }

    /** {@code nmcli -t -f BSSID,SIGNAL dev wifi}: SIGNAL is a 0-100 quality, mapped as dBm = pct / 2 - 100. */
    public static Map<String, Integer> nmcli(String text) {
        Map<String, Integer> out = new HashMap<>();
        int lineNo = 0;
        for (String line : (Iterable<String>) text.lines()::iterator) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            Matcher m = NMCLI.matcher(line.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("nmcli scan line " + lineNo + ": expected 'AA\\:BB\\:CC\\:DD\\:EE\\:FF:<0-100>', got '"
                        + abbreviate(line) + "'");
            }
            int percent = Integer.parseInt(m.group(2));
            if (percent > 100) {
                throw new IllegalArgumentException("nmcli scan line " + lineNo + ": signal " + percent + " % is over 100");
            }
            put(out, m.group(1).replace("\\:", ":"), (int) Math.round(percent / 2.0 - 100));
        }
        return out;
    }

    private static int dbm(double value, String where) {
        if (!Double.isFinite(value) || value < -120 || value > 0) {
            throw new IllegalArgumentException("scan " + where + ": RSSI must be in [-120, 0] dBm, got " + value);
        }
        return (int) Math.round(value);
    }

    private static void put(Map<String, Integer> out, String bssid, int dbm) {
        out.merge(bssid.toLowerCase(java.util.Locale.ROOT), dbm, Math::max);
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 60) + "...";
    }
}
