package dev.peerlink.share.wire;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A provider's network configuration (seed 001 claims 9-10): the services its exit carries, the links a requester
 * reaches it over ({@code peerlink} always; declared radio links such as {@code wifi-hotspot}, {@code 5g-prose}, with
 * labels like {@code band/5ghz}), the authentication it requires and its limits.
 */
public record ShareOffer(Set<ServiceType> services, List<String> links, Auth auth, Limits limits) {
    /** How a requester proves itself to the provider's exit. */
    public enum Auth {
        /** The peerlink connection's pinned device keys (the default: no extra secret). */
        PEER_KEY("peer-key"),
        /** A token the provider hands out besides (shared out of band). */
        TOKEN("token");

        private final String wire;

        Auth(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Auth fromWire(String s) {
            for (Auth a : values()) {
                if (a.wire.equals(s)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown auth '" + s + "' (peer-key, token)");
        }
    }

    public ShareOffer {
        if (services == null || services.isEmpty()) {
            throw new IllegalArgumentException("an offer names at least one service");
        }
        services = Collections.unmodifiableSet(EnumSet.copyOf(services));
        links = Names.labels(links, "links");
        auth = auth == null ? Auth.PEER_KEY : auth;
        limits = limits == null ? Limits.NONE : limits;
    }
}
