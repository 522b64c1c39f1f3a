package dev.peerlink.share.scene;

import dev.peerlink.share.Location;
import dev.peerlink.share.NetworkId;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where a device is, for judging a scene: its location (null when it has none) and the networks it
 * is on ({@link NetworkId} wire forms). A placement must say at least one of the two.
 */
public record Placement(Location location, Set<String> networks) {
    /** A device on more networks than this is reporting noise, not networks. */
    public static final int MAX_NETWORKS = 32;

    public Placement {
        if (networks == null) {
            networks = Set.of();
        }
        if (networks.size() > MAX_NETWORKS) {
            throw new IllegalArgumentException("at most " + MAX_NETWORKS + " networks, got " + networks.size());
        }
        Set<String> checked = new LinkedHashSet<>();
        for (String id : networks) {
            checked.add(NetworkId.validate(id));
        }
        networks = Set.copyOf(checked);
        if (location == null && networks.isEmpty()) {
            throw new IllegalArgumentException("a placement needs a location or at least one network");
        }
    }

    public static Placement at(Location location) {
        return new Placement(location, Set.of());
    }

    public static Placement on(String... networks) {
        return new Placement(null, new LinkedHashSet<>(Arrays.asList(networks)));
    }

    public boolean hasLocation() {
        return location != null;
    }
}
