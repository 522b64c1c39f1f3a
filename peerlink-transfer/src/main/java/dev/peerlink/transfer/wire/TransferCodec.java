package dev.peerlink.transfer.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The pure transfer codec. A frame is one WebSocket binary message:
 * <pre>  header length u32 (big-endian) | header: UTF-8 JSON object | payload bytes (the rest)</pre>
 * Headers are at most {@value #MAX_HEADER} bytes, nesting {@value #MAX_DEPTH}; payloads at most the limit given
 * (the server's largest chunk or manifest). Unknown header fields are ignored, unknown types refused. No I/O.
 */
public final class TransferCodec {
    public static final int VERSION = 1;
    public static final int MAX_HEADER = 16 * 1024;
    static final int MAX_DEPTH = 8;
    static final int MAX_TEXT = 4096;

    /** Every frame type; the server accepts only the client-to-server ones, the client only the others. */
    public static final Set<String> TYPES = Set.of(
            // client -> server
            "hello", "offer", "prove", "chunk", "resume", "finish", "cancel", "inbox", "fetch", "ack",
            // server -> client
            "auth", "welcome", "challenge", "plan", "stored", "accepted", "deliveries", "delivery", "manifest", "data",
            "end", "ok", "error");

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxNumberLength(32)
                    .maxNameLength(256).maxStringLength(MAX_HEADER).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private final int maxPayload;

    public TransferCodec(int maxPayload) {
        if (maxPayload < 0) {
            throw new IllegalArgumentException("maxPayload < 0");
        }
        this.maxPayload = maxPayload;
    }

    public int maxPayload() {
        return maxPayload;
    }

    /** The largest encoded frame this codec accepts (what a transport's frame limit must allow). */
    public int maxFrame() {
        return 4 + MAX_HEADER + maxPayload;
    }

    public byte[] encode(TransferFrame f) {
        byte[] header;
        try {
            header = MAPPER.writeValueAsBytes(f.header());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode header", e);
        }
        if (header.length > MAX_HEADER) {
            throw new IllegalArgumentException("header larger than " + MAX_HEADER + " bytes");
        }
        return ByteBuffer.allocate(4 + header.length + f.payload().length).putInt(header.length).put(header).put(f.payload()).array();
    }

    public TransferFrame decode(byte[] frame) throws TransferProtocolException {
        return decode(ByteBuffer.wrap(frame));
    }

    /** Decodes the remaining bytes of {@code frame} (consumed). */
    public TransferFrame decode(ByteBuffer frame) throws TransferProtocolException {
        if (frame.remaining() < 4) {
            throw new TransferProtocolException(TransferProtocolException.Code.TRUNCATED, "frame shorter than its length prefix");
        }
        int headerLength = frame.getInt();
        if (headerLength < 2 || headerLength > MAX_HEADER) {
            throw new TransferProtocolException(TransferProtocolException.Code.TOO_LARGE,
                    "header length " + Integer.toUnsignedString(headerLength) + " outside 2.." + MAX_HEADER);
        }
        if (frame.remaining() < headerLength) {
            throw new TransferProtocolException(TransferProtocolException.Code.TRUNCATED, "header runs past the frame");
        }
        byte[] header = new byte[headerLength];
        frame.get(header);
        if (frame.remaining() > maxPayload) {
            throw new TransferProtocolException(TransferProtocolException.Code.TOO_LARGE, "payload larger than " + maxPayload + " bytes");
        }
        byte[] payload = new byte[frame.remaining()];
        frame.get(payload);
        ObjectNode h = parse(header);
        JsonNode v = h.get("v");
        if (v == null || !v.isIntegralNumber() || v.asInt() != VERSION) {
            throw new TransferProtocolException(TransferProtocolException.Code.UNSUPPORTED_VERSION, "header needs \"v\":" + VERSION);
        }
        JsonNode type = h.get("type");
        if (type == null || !type.isTextual()) {
            throw new TransferProtocolException(TransferProtocolException.Code.INVALID, "header needs a \"type\"");
        }
        if (!TYPES.contains(type.asText())) {
            throw new TransferProtocolException(TransferProtocolException.Code.UNKNOWN_TYPE, "unknown type");
        }
        JsonNode rid = h.get("rid");
        if (rid != null && (!rid.isTextual() || rid.asText().isEmpty() || rid.asText().length() > 64)) {
            throw new TransferProtocolException(TransferProtocolException.Code.INVALID, "rid must be 1-64 characters");
        }
        return new TransferFrame(h, payload);
    }

    private static ObjectNode parse(byte[] header) throws TransferProtocolException {
        try (JsonParser p = MAPPER.createParser(header)) {
            JsonNode n = MAPPER.readTree(p);
            if (n == null || !n.isObject()) {
                throw new TransferProtocolException(TransferProtocolException.Code.MALFORMED, "header is not a JSON object");
            }
            if (p.nextToken() != null) {
                throw new TransferProtocolException(TransferProtocolException.Code.MALFORMED, "content after the header object");
            }
            return (ObjectNode) n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new TransferProtocolException(TransferProtocolException.Code.MALFORMED, "header is not JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new TransferProtocolException(TransferProtocolException.Code.MALFORMED, "header is not JSON");
        }
    }
}
