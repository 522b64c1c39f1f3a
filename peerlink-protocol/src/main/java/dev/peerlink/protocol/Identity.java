package dev.peerlink.protocol;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a request names a device: by device id or by one of its aliases (user id, MAC address,
 * username). On the wire it is an object with exactly one of the keys {@code device}, {@code user},
 * {@code mac}, {@code username}. MAC addresses are normalised to lower-case colon form.
 */
public record Identity(Kind kind, String value) {
    public enum Kind {
        DEVICE("device"), USER("user"), MAC("mac"), USERNAME("username");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Kind fromWire(String s) {
            for (Kind k : values()) {
                if (k.wire.equals(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown identity kind: " + s);
        }
    }

    private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{1,128}");

    public Identity {
        if (kind == null || value == null) {
            throw new IllegalArgumentException("identity needs a kind and a value");
        }
        value = switch (kind) {
            case DEVICE -> new DeviceId(value).value();
            case MAC -> normaliseMac(value);
            case USER, USERNAME -> validName(kind, value);
        };
    }

    public static Identity device(String id) {
        return new Identity(Kind.DEVICE, id);
    }

    public static Identity device(DeviceId id) {
        return new Identity(Kind.DEVICE, id.value());
    }

    public static Identity user(String user) {
        return new Identity(Kind.USER, user);
    }

    public static Identity mac(String mac) {
        return new Identity(Kind.MAC, mac);
    }

    public static Identity username(String username) {
        return new Identity(Kind.USERNAME, username);
    }

    /**
     * Parses the command-line form {@code KIND:VALUE} ({@code device:pc-1}, {@code mac:AA-BB-..},
     * {@code user:42}, {@code username:alice}); a bare value is a device id.
     */
    public static Identity parse(String text) {
        int colon = text.indexOf(':');
        if (colon > 0) {
            String prefix = text.substring(0, colon);
            for (Kind k : Kind.values()) {
                if (k.wire.equals(prefix)) {
                    return new Identity(k, text.substring(colon + 1));
                }
            }
        }
        return device(text);
    }

    static String validName(Kind kind, String value) {
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(kind.wire + " must be 1-128 characters without control characters");
        }
        return value;
    }

    /**
     * {@code AA:BB:CC:DD:EE:FF}, {@code aa-bb-cc-dd-ee-ff}, {@code aabb.ccdd.eeff} and
     * {@code aabbccddeeff} all become {@code aa:bb:cc:dd:ee:ff}.
     */
    public static String normaliseMac(String mac) {
        String hex = mac.replace(":", "").replace("-", "").replace(".", "").toLowerCase(Locale.ROOT);
        if (hex.length() != 12 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("not a MAC address: " + (mac.length() > 40 ? mac.substring(0, 40) + "..." : mac));
        }
        String[] groups = mac.split("[:.-]", -1);
        int n = groups.length;
        // Separators must split evenly: 6 groups of 2, 3 groups of 4, or none.
        if (!(n == 1 || (n == 6 && allLen(groups, 2)) || (n == 3 && allLen(groups, 4)))) {
            throw new IllegalArgumentException("not a MAC address: " + (mac.length() > 40 ? mac.substring(0, 40) + "..." : mac));
        }
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(hex, i, i + 2);
        }
        return sb.toString();
    }

    private static boolean allLen(String[] groups, int len) {
        for (String g : groups) {
            if (g.length() != len) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return kind.wire + ":" + value;
    }
}
