package dev.peerlink.protocol;

import java.util.Objects;

/**
 * An opaque JSON object carried through the server unchanged: connect offers, answers and signal
 * data. The server relays it verbatim, so peers can grow these payloads without a server upgrade.
 * Only the codec and {@link #parse} create blobs, so the text is always one well-formed JSON object
 * within the codec's limits.
 */
public final class JsonBlob {
    public static final JsonBlob EMPTY = new JsonBlob("{}");

    private final String json;

    JsonBlob(String json) {
        this.json = json;
    }

    /** Validates {@code json} as one JSON object (codec limits apply) and keeps its compact form. */
    public static JsonBlob parse(String json) throws ProtocolException {
        return Json.blob(json);
    }

    /** The compact JSON text of the object. */
    public String json() {
        return json;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonBlob b && b.json.equals(json);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(json);
    }

    @Override
    public String toString() {
        return json;
    }
}
