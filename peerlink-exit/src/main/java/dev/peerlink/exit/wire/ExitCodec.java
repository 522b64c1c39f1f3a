package dev.peerlink.exit.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.exit.wire.ExitProtocolException.Code;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The exit stream's framing, version 1: each of the two header frames (request, then reply) is a big-endian u16
 * length and that many bytes of one JSON object with {@code "v":1}; after an ok reply the stream carries the flow's
 * raw bytes both ways. Pure apart from reading a frame off a stream; thread-safe.
 */
public final class ExitCodec {
    public static final int VERSION = 1;
    /** Largest header frame: a 253-character host name fits many times over. */
    public static final int MAX_FRAME = 2048;

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).maxStringLength(MAX_FRAME).build())
            .build()).build();

    private ExitCodec() {}

    public static byte[] encode(ExitRequest r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("v", VERSION);
        o.put("op", "connect");
        o.put("host", r.host());
        o.put("port", r.port());
        return frame(o);
    }

    public static byte[] encode(ExitReply r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("v", VERSION);
        o.put("ok", r.ok());
        if (r.error() != null) {
            o.put("code", r.error().wire());
        }
        if (r.message() != null) {
            o.put("message", r.message());
        }
        if (r.bound() != null) {
            o.put("bound", r.bound());
        }
        return frame(o);
    }

    public static ExitRequest decodeRequest(byte[] frameBody) throws ExitProtocolException {
        JsonNode o = parse(frameBody);
        if (!"connect".equals(o.path("op").asText(null))) {
            throw new ExitProtocolException(Code.INVALID, "op must be connect");
        }
        JsonNode host = o.get("host"), port = o.get("port");
        if (host == null || !host.isTextual() || port == null || !port.isInt()) {
            throw new ExitProtocolException(Code.MALFORMED, "connect needs a host string and an integer port");
        }
        try {
            return new ExitRequest(host.textValue(), port.intValue());
        } catch (IllegalArgumentException e) {
            throw new ExitProtocolException(Code.INVALID, e.getMessage());
        }
    }

    public static ExitReply decodeReply(byte[] frameBody) throws ExitProtocolException {
        JsonNode o = parse(frameBody);
        JsonNode ok = o.get("ok");
        if (ok == null || !ok.isBoolean()) {
            throw new ExitProtocolException(Code.MALFORMED, "reply needs ok");
        }
        String message = o.path("message").isTextual() ? o.get("message").textValue() : null;
        if (ok.booleanValue()) {
            return ExitReply.opened(o.path("bound").isTextual() ? o.get("bound").textValue() : null);
        }
        return ExitReply.failed(ExitError.fromWire(o.path("code").asText("internal")), message);
    }

    /** Reads one header frame's body off {@code in} (blocking). */
    public static byte[] readFrame(InputStream in) throws IOException, ExitProtocolException {
        DataInputStream d = new DataInputStream(in);
        int len;
        try {
            len = d.readUnsignedShort();
        } catch (EOFException e) {
            throw new ExitProtocolException(Code.TRUNCATED, "stream ended before a header frame");
        }
        if (len == 0 || len > MAX_FRAME) {
            throw new ExitProtocolException(Code.TOO_LARGE, "header frame of " + len + " bytes; 1-" + MAX_FRAME);
        }
        byte[] body = new byte[len];
        try {
            d.readFully(body);
        } catch (EOFException e) {
            throw new ExitProtocolException(Code.TRUNCATED, "stream ended inside a header frame");
        }
        return body;
    }

    private static JsonNode parse(byte[] body) throws ExitProtocolException {
        if (body.length > MAX_FRAME) {
            throw new ExitProtocolException(Code.TOO_LARGE, "header frame larger than " + MAX_FRAME);
        }
        JsonNode o;
        try {
            o = MAPPER.readTree(body);
        } catch (IOException | RuntimeException e) {
            throw new ExitProtocolException(Code.MALFORMED, "header frame is not JSON");
        }
        if (o == null || !o.isObject()) {
            throw new ExitProtocolException(Code.MALFORMED, "header frame is not a JSON object");
        }
        JsonNode v = o.get("v");
        if (v == null || !v.isInt() || v.intValue() != VERSION) {
            throw new ExitProtocolException(Code.UNSUPPORTED_VERSION, "this exit speaks v" + VERSION);
        }
        return o;
    }

    private static byte[] frame(ObjectNode o) {
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (json.length > MAX_FRAME) {
            throw new IllegalArgumentException("header frame too large");
        }
        return ByteBuffer.allocate(2 + json.length).putShort((short) json.length).put(json).array();
    }
}
