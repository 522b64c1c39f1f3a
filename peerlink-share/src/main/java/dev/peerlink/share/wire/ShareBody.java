package dev.peerlink.share.wire;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.share.Location;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.scene.Scene;
import dev.peerlink.share.scene.SceneKind;
import java.util.List;
import java.util.Map;

/**
 * The body of a sharing message ({@code Message.Share}); {@link #kind()} is its wire type. Records validate on
 * construction, so a decoded body is always well-formed. Shapes and examples: {@code docs/sharing.md}.
 */
public sealed interface ShareBody {
    int MAX_NETWORKS = 16;
    int MAX_WIFI = 64;

    String kind();

    /** Provider → server: I share, here, like this; sent again to refresh (it expires otherwise) and when moving. */
    record Announce(Location location, List<String> networks, List<String> sceneHints, ShareOffer offer, LinkState state,
                    AccessPolicy policy) implements ShareBody {
        public Announce {
            networks = Wire.networks(networks);
            sceneHints = Names.labels(sceneHints, "sceneHints");
            if (location == null && networks.isEmpty()) {
                throw new IllegalArgumentException("an announce needs a location or a network id");
            }
            Wire.required(offer, "offer");
            state = state == null ? LinkState.UNKNOWN : state;
            policy = policy == null ? AccessPolicy.ANYONE : policy;
        }

        public String kind() {
            return "share-announce";
        }
    }

    /** Provider → server: stop sharing. */
    record Withdraw() implements ShareBody {
        public String kind() {
            return "share-withdraw";
        }
    }

    /**
     * Requester → server: find providers around me. Position by {@code location}, or by {@code wifi} (hashed BSSIDs
     * to RSSI dBm) that the server locates against its radio map; none needed for {@code same-network}.
     */
    record Find(Location location, Map<String, Integer> wifi, Scene scene, List<String> networks, Conditions need,
                int count, int timeoutMs) implements ShareBody {
        public static final int MAX_COUNT = 16, MAX_TIMEOUT_MS = 10_000, DEFAULT_TIMEOUT_MS = 3_000;

        public Find {
            Wire.required(scene, "scene");
            networks = Wire.networks(networks);
            wifi = Wire.wifi(wifi);
            if (scene.kind() == SceneKind.SAME_NETWORK ? networks.isEmpty() : location == null && wifi.isEmpty()) {
                throw new IllegalArgumentException(scene.kind() == SceneKind.SAME_NETWORK
                        ? "same-network needs at least one network id" : "a find needs a location or a Wi-Fi scan");
            }
            need = need == null ? Conditions.ANY : need;
            if (count < 1 || count > MAX_COUNT) {
                throw new IllegalArgumentException("count must be in [1, " + MAX_COUNT + "]");
            }
            timeoutMs = timeoutMs == 0 ? DEFAULT_TIMEOUT_MS : timeoutMs;
            if (timeoutMs < 100 || timeoutMs > MAX_TIMEOUT_MS) {
                throw new IllegalArgumentException("timeoutMs must be in [100, " + MAX_TIMEOUT_MS + "]");
            }
        }

        public String kind() {
            return "share-find";
        }
    }

    /** One matched provider; {@code distanceMeters} is rounded to 10 m (-1 when unknown: same-network). */
    record Match(String deviceId, String publicKey, long distanceMeters, ShareOffer offer, LinkState state, double score) {
        public Match {
            new DeviceId(deviceId);
            if (distanceMeters < -1 || (distanceMeters > 0 && distanceMeters % 10 != 0)) {
                throw new IllegalArgumentException("distance is -1 or a multiple of 10 m");
            }
            Wire.required(offer, "offer");
            Wire.required(state, "state");
            if (!(score >= 0 && score <= 1)) {
                throw new IllegalArgumentException("score must be in [0, 1]");
            }
        }
    }

    /** How a find went: devices in range, asked, and what became of them. */
    record FindStats(int candidates, int asked, int accepted, int declined, int timedOut, int refusedByPolicy,
                     int unmatched) {
        public FindStats {
            for (int v : new int[] {candidates, asked, accepted, declined, timedOut, refusedByPolicy, unmatched}) {
                if (v < 0) {
                    throw new IllegalArgumentException("find statistics are not negative");
                }
            }
        }
    }

    /** Server → requester: the best providers, best first, and where the server placed the requester. */
    record Found(List<Match> providers, FindStats stats, String locationSource, double accuracyMeters) implements ShareBody {
        public Found {
            providers = List.copyOf(providers);
            Wire.required(stats, "stats");
        }

        public String kind() {
            return "share-found";
        }
    }

    /** Server → provider: {@code requester} asks for access with these conditions; answer within {@code expiresAt}. */
    record AccessRequest(String request, String requester, Conditions need, SceneKind scene, long distanceMeters,
                         long expiresAt) implements ShareBody {
        public AccessRequest {
            Wire.token(request, "request");
            new DeviceId(requester);
            Wire.required(need, "need");
            Wire.required(scene, "scene");
        }

        public String kind() {
            return "share-access";
        }
    }

    /** Provider → server: the answer to {@code request}, with the provider's configuration and state when it accepts. */
    record AccessAnswer(String request, boolean accept, ShareOffer offer, LinkState state, String reason) implements ShareBody {
        public AccessAnswer {
            Wire.token(request, "request");
            if (accept) {
                Wire.required(offer, "offer");
                state = state == null ? LinkState.UNKNOWN : state;
            }
            if (reason != null && !reason.matches("[a-z-]{1,40}")) {
                throw new IllegalArgumentException("reason must be 1-40 characters of [a-z-]");
            }
        }

        public String kind() {
            return "share-access-answer";
        }
    }

    /** Device → server: a radio-map reference point (a survey), hashed BSSIDs to RSSI at a known position. */
    record Survey(GeoPoint point, Map<String, Integer> wifi, String site) implements ShareBody {
        public Survey {
            Wire.required(point, "point");
            wifi = Wire.wifi(wifi);
            if (wifi.size() < 2) {
                throw new IllegalArgumentException("a survey point needs at least 2 access points");
            }
            if (site != null) {
                Names.labels(List.of(site), "site");
            }
        }

        public String kind() {
            return "share-survey";
        }
    }

    /** Device → server (opted in): connection-state samples for the QoS map. */
    record QosReport(List<QosPoint> samples) implements ShareBody {
        public static final int MAX_SAMPLES = 100;

        public QosReport {
            samples = List.copyOf(samples);
            if (samples.isEmpty() || samples.size() > MAX_SAMPLES) {
                throw new IllegalArgumentException("a report carries 1-" + MAX_SAMPLES + " samples");
            }
        }

        public String kind() {
            return "qos-report";
        }
    }

    /** One sample as a device reports it; unknown measures NaN. Ranges are checked by the QoS map. */
    record QosPoint(GeoPoint point, long timeMillis, double rttMs, double downMbps, double upMbps, double lossPct,
                    long offlineMs, long periodMs, String network) {
        public QosPoint {
            Wire.required(point, "point");
            network = Names.networkType(network == null ? "other" : network);
        }
    }

    /** Device → server: predicted quality at one place and time, or along a route (points with times, in order). */
    record QosQuery(List<RoutePoint> route) implements ShareBody {
        public static final int MAX_POINTS = 500;

        public QosQuery {
            route = List.copyOf(route);
            if (route.isEmpty() || route.size() > MAX_POINTS) {
                throw new IllegalArgumentException("a query carries 1-" + MAX_POINTS + " points");
            }
            for (int i = 1; i < route.size(); i++) {
                if (route.get(i).timeMillis() < route.get(i - 1).timeMillis()) {
                    throw new IllegalArgumentException("route times must not decrease");
                }
            }
        }

        public String kind() {
            return "qos-query";
        }
    }

    record RoutePoint(GeoPoint point, long timeMillis) {
        public RoutePoint {
            Wire.required(point, "point");
        }
    }

    /** Server → device: the cells the query passes, in order, with predictions where disclosed. */
    record QosResult(List<CellQuality> cells) implements ShareBody {
        public QosResult {
            cells = List.copyOf(cells);
        }

        public String kind() {
            return "qos-result";
        }
    }

    /**
     * One cell of a QoS answer. {@code disclosed} false: fewer than k devices reported there (k-anonymity) and every
     * measure is NaN. {@code hourOfWeek} -1 when the prediction is the cell's all-hours aggregate.
     */
    record CellQuality(String cell, long enterTime, boolean disclosed, int hourOfWeek, double rttMs, double downMbps,
                       double upMbps, double lossPct, double offlineFraction, double score, String quality, int devices,
                       boolean weak, String reason) {
        public CellQuality {
            Wire.token(cell, "cell");
            quality = quality == null ? "unknown" : quality;
        }
    }
}
