package dev.peerlink.share.wire;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The short names the sharing protocol carries, validated in one place. */
public final class Names {
    private Names() {}

    /** Network types of a link: what carries the provider's own internet. */
    public static final Set<String> NETWORK_TYPES = Set.of("wifi", "ethernet", "5g", "4g", "3g", "2g", "satellite", "other", "none");
    /** Declared link types a requester can reach a provider over, and free labels of the same shape (band etc.). */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9.+/-]{0,31}");
    public static final int MAX_LABELS = 16;

    public static String networkType(String s) {
        if (!NETWORK_TYPES.contains(s)) {
            throw new IllegalArgumentException("unknown network type '" + s + "' " + NETWORK_TYPES);
        }
        return s;
    }

    /** Labels such as {@code wifi-hotspot}, {@code 5g-prose}, {@code band:5ghz} become {@code band/5ghz}: lower-case, short. */
    public static List<String> labels(List<String> in, String what) {
        List<String> out = List.copyOf(in == null ? List.of() : in);
        if (out.size() > MAX_LABELS) {
            throw new IllegalArgumentException("at most " + MAX_LABELS + " " + what);
        }
        for (String s : out) {
            if (s == null || !LABEL.matcher(s).matches()) {
                throw new IllegalArgumentException(what + ": '" + s + "' must be 1-32 characters of [a-z0-9.+/-]");
            }
        }
        return out;
    }
}
