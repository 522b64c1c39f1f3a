package dev.peerlink.transfer.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One message of the transfer protocol: a JSON header (with {@code "v":1} and {@code "type"}) and an optional
 * binary payload (a manifest, a chunk, a challenge...). Accessors check the header's fields and throw
 * {@link TransferProtocolException} with {@code INVALID}: the server answers those with an error, never a crash.
 */
public record TransferFrame(ObjectNode header, byte[] payload) {
    static final byte[] EMPTY = new byte[0];

    public TransferFrame {
        Objects.requireNonNull(header);
        payload = payload == null ? EMPTY : payload;
    }

    /** A new frame of {@code type} (fields are added with {@link #with}). */
    public static TransferFrame of(String type) {
        ObjectNode h = JsonNodeFactory.instance.objectNode();
        h.put("v", TransferCodec.VERSION);
        h.put("type", type);
        return new TransferFrame(h, EMPTY);
    }

    public TransferFrame with(String field, String value) {
        if (value != null) {
            header.put(field, value);
        }
        return this;
    }

    public TransferFrame with(String field, long value) {
        header.put(field, value);
        return this;
    }

    public TransferFrame with(String field, boolean value) {
        header.put(field, value);
        return this;
    }

    public TransferFrame with(String field, JsonNode value) {
        header.set(field, value);
        return this;
    }

    public TransferFrame payload(byte[] bytes) {
        return new TransferFrame(header, bytes);
    }

    public String type() {
        return header.path("type").asText();
    }

    /** The request id, or null (pushes and chunk frames carry none). */
    public String rid() {
        JsonNode n = header.get("rid");
        return n != null && n.isTextual() ? n.asText() : null;
    }

    public String str(String field) throws TransferProtocolException {
        String s = optStr(field);
        if (s == null) {
            throw invalid("missing text field " + field);
        }
        return s;
    }

    public String optStr(String field) throws TransferProtocolException {
        JsonNode n = header.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.asText().length() > TransferCodec.MAX_TEXT) {
            throw invalid(field + " must be text of at most " + TransferCodec.MAX_TEXT + " characters");
        }
        return n.asText();
    }

    public long num(String field, long min, long max) throws TransferProtocolException {
        JsonNode n = header.get(field);
        if (n == null || !n.canConvertToLong() || !n.isIntegralNumber()) {
            throw invalid("missing integer field " + field);
        }
        long v = n.asLong();
        if (v < min || v > max) {
            throw invalid(field + " out of range " + min + ".." + max);
        }
        return v;
    }

    public boolean flag(String field) throws TransferProtocolException {
        JsonNode n = header.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw invalid(field + " must be true or false");
        }
        return n.asBoolean();
    }

    private static TransferProtocolException invalid(String message) {
        return new TransferProtocolException(TransferProtocolException.Code.INVALID, message);
    }

    @Override
    public String toString() {
        return header + (payload.length > 0 ? " +" + payload.length + " bytes" : "");
    }
}
