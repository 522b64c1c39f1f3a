package dev.peerlink.share.wire;

import dev.peerlink.protocol.DeviceId;
import java.util.Set;

/**
 * Whom a provider serves: {@code anyone}, its {@code contacts} (a list it keeps to itself: the server asks and the
 * provider decides), or a {@code list} of device ids it announces (the server asks only those).
 */
public record AccessPolicy(Mode mode, Set<String> allow) {
    public static final AccessPolicy ANYONE = new AccessPolicy(Mode.ANYONE, Set.of());
    public static final AccessPolicy CONTACTS = new AccessPolicy(Mode.CONTACTS, Set.of());
    public static final int MAX_LISTED = 256;

    public enum Mode {
        ANYONE("anyone"), CONTACTS("contacts"), LIST("list");

        private final String wire;

        Mode(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Mode fromWire(String s) {
            for (Mode m : values()) {
                if (m.wire.equals(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown policy '" + s + "' (anyone, contacts, list)");
        }
    }

    public AccessPolicy {
        if (mode == null) {
            throw new IllegalArgumentException("policy needs a mode");
        }
        allow = Set.copyOf(allow == null ? Set.of() : allow);
        if (mode == Mode.LIST && allow.isEmpty()) {
            throw new IllegalArgumentException("a list policy names at least one device");
        }
        if (mode != Mode.LIST && !allow.isEmpty()) {
            throw new IllegalArgumentException("only a list policy names devices");
        }
        if (allow.size() > MAX_LISTED) {
            throw new IllegalArgumentException("at most " + MAX_LISTED + " listed devices");
        }
        allow.forEach(DeviceId::new);
    }

    /** Parses the CLI's {@code --allow anyone|contacts|ID,ID,...}. */
    public static AccessPolicy parse(String text) {
        if (text == null || text.isBlank() || text.equals("anyone")) {
            return ANYONE;
        }
        if (text.equals("contacts")) {
            return CONTACTS;
        }
        return new AccessPolicy(Mode.LIST, Set.of(text.split("\\s*,\\s*")));
    }

    /**
     * Decides for {@code requester}. The server can decide {@code anyone} and {@code list}; {@code contacts} needs the
     * provider's contacts ({@code null} on the server: the answer is then "ask the provider", true).
     */
    public boolean admits(String requester, Set<String> contacts) {
        return switch (mode) {
            case ANYONE -> true;
            case LIST -> allow.contains(requester);
            case CONTACTS -> contacts == null || contacts.contains(requester);
        };
    }
}
