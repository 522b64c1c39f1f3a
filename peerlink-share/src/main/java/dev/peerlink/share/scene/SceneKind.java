package dev.peerlink.share.scene;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of sharing range a requester can ask for; the wire and CLI name is {@link #wire()}. */
public enum SceneKind {
    SUBWAY_CAR("subway-car"),
    SUBWAY_HALL("subway-hall"),
    INDOOR("indoor"),
    OUTDOOR("outdoor"),
    SAME_NETWORK("same-network");

    private static final String VALID = Arrays.stream(values()).map(SceneKind::wire).collect(Collectors.joining(", "));

    private final String wire;

    SceneKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Wire name, case-insensitive. @throws IllegalArgumentException listing the valid names */
    public static SceneKind fromWire(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (SceneKind k : values()) {
                if (k.wire.equals(n)) {
                    return k;
                }
            }
        }
        throw new IllegalArgumentException("unknown scene '" + name + "'; valid scenes: " + VALID);
    }
}
