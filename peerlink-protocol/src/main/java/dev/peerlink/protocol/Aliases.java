package dev.peerlink.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * A device's optional aliases, each unique server-wide. Null means "none". The MAC address is
 * normalised (see {@link Identity#normaliseMac}).
 */
public record Aliases(String user, String mac, String username) {
    public static final Aliases NONE = new Aliases(null, null, null);

    public Aliases {
        if (user != null) {
            Identity.validName(Identity.Kind.USER, user);
        }
        if (mac != null) {
            mac = Identity.normaliseMac(mac);
        }
        if (username != null) {
            Identity.validName(Identity.Kind.USERNAME, username);
        }
    }

    /** The aliases as identities, in the order user, mac, username. */
    public List<Identity> identities() {
        List<Identity> out = new ArrayList<>(3);
        if (user != null) {
            out.add(Identity.user(user));
        }
        if (mac != null) {
            out.add(Identity.mac(mac));
        }
        if (username != null) {
            out.add(Identity.username(username));
        }
        return out;
    }

    public boolean isEmpty() {
        return user == null && mac == null && username == null;
    }
}
