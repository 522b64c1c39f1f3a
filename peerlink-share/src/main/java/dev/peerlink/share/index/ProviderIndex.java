package dev.peerlink.share.index;

import dev.peerlink.share.geo.GeoPoint;
import java.util.List;
import java.util.Set;

/**
 * Where the providers (devices offering to share their internet access) are, for finding those near a
 * requester. Thread-safe. The shape maps onto Redis: string ids, a point per id (GEOADD), radius queries
 * answered nearest first (GEOSEARCH BYRADIUS ASC COUNT), and a set of ids per network id (SADD/SUNION).
 *
 * <p>Distances are ground (great-circle) distances on the mean Earth sphere; altitude is carried through but
 * not used. Callers apply their exact scene predicate to the hits.
 */
public interface ProviderIndex {
    /** Largest radius a find may ask for; wider searches are not a proximity question any more. */
    double MAX_RADIUS_METERS = 50_000;
    /** Most hits or ids one call returns. */
    int MAX_LIMIT = 10_000;
    /** Most network ids one provider may report, and most one lookup may ask about. */
    int MAX_NETWORKS = 64;
    /** Longest network id (a BSSID, an SSID hash, a cell global id, ...). */
    int MAX_NETWORK_ID_LENGTH = 128;

    /**
     * Inserts a provider or replaces its position and network ids.
     *
     * @param deviceId a valid {@link dev.peerlink.protocol.DeviceId} value
     * @param point where it is, or null when it reports only network ids (then only {@link #onNetworks} finds it)
     * @param networks the network ids it reports (may be empty; at most {@link #MAX_NETWORKS})
     * @throws IllegalArgumentException for a malformed id or network id, or too many network ids
     */
    void put(String deviceId, GeoPoint point, Set<String> networks);

    /** Forgets a provider; returns whether it was there. */
    boolean remove(String deviceId);

    /**
     * The providers within {@code radiusMeters} of {@code center}, nearest first (ties by id), at most
     * {@code limit}.
     *
     * @throws IllegalArgumentException if the radius is not in [0, {@link #MAX_RADIUS_METERS}] or the limit not
     *     in [1, {@link #MAX_LIMIT}]
     */
    List<Hit> near(GeoPoint center, double radiusMeters, int limit);

    /**
     * Ids of the providers reporting any of {@code networks}, each once, in no particular order, at most
     * {@code limit}.
     */
    List<String> onNetworks(Set<String> networks, int limit);

    /** Number of providers held (with or without a point). */
    int size();

    /** One provider found by {@link #near}: its id, its point as last put, and its ground distance. */
    record Hit(String deviceId, GeoPoint point, double groundMeters) {}
}
