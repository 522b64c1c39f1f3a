package dev.peerlink.share;

/** Where a {@link Location} came from; the wire name is {@link #wire()}. */
public enum LocationSource {
    GNSS("gnss"),
    WIFI_FINGERPRINT("wifi-fingerprint"),
    CELL("cell"),
    MANUAL("manual");

    private final String wire;

    LocationSource(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** @throws IllegalArgumentException for an unknown name */
    public static LocationSource fromWire(String name) {
        for (LocationSource s : values()) {
            if (s.wire.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown location source '" + name + "' (gnss, wifi-fingerprint, cell, manual)");
    }
}
