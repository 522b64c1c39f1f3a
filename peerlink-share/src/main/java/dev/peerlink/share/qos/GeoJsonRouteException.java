package dev.peerlink.share.qos;

/** A GeoJSON route that cannot be used: malformed JSON, wrong structure, bad coordinates or times, too big. */
public class GeoJsonRouteException extends IllegalArgumentException {
    public GeoJsonRouteException(String message) {
        super(message);
    }

    public GeoJsonRouteException(String message, Throwable cause) {
        super(message, cause);
    }
}
