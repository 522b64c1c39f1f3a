package dev.peerlink.protocol;

import static dev.peerlink.protocol.JsonFields.*;
import static dev.peerlink.protocol.JsonValues.*;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.peerlink.protocol.ProtocolException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The codec's machinery: parsing under limits and decoding messages (field readers in {@link JsonFields}, value types
 * in {@link JsonValues}; writing in {@link MessageWriter}). Parsing uses Jackson's tree model only (no data binding,
 * no type information from the input, so no deserialization gadgets); every message is read and written field by
 * field.
 */
final class Json {
    static final Json DEFAULT = new Json(SignallingCodec.DEFAULT_MAX_BYTES, SignallingCodec.DEFAULT_MAX_DEPTH);

    private final JsonMapper mapper;
    private final MessageWriter writer;
    private final int maxBytes;

    Json(int maxBytes, int maxDepth) {
        this.maxBytes = maxBytes;
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth)
                .maxDocumentLength(maxBytes)
                .maxStringLength(maxBytes)
                .maxNumberLength(32)
                .maxNameLength(256)
                .build();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(limits)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        this.writer = new MessageWriter(mapper);
    }

    // ---- parsing -------------------------------------------------------------------------

    JsonNode parseObject(byte[] bytes) throws ProtocolException {
        if (bytes.length > maxBytes) {
            throw new ProtocolException(Code.TOO_LARGE, "frame larger than " + maxBytes + " bytes");
        }
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (StreamConstraintsException e) {
            String m = String.valueOf(e.getOriginalMessage());
            throw new ProtocolException(m.contains("depth") ? Code.TOO_DEEP : Code.TOO_LARGE, "limit exceeded");
        } catch (IOException | RuntimeException e) {
            throw new ProtocolException(Code.MALFORMED, "not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ProtocolException(Code.MALFORMED, "not a JSON object");
        }
        return root;
    }

    static JsonBlob blob(String json) throws ProtocolException {
        return DEFAULT.blobOf(DEFAULT.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    JsonBlob blobOf(JsonNode node) throws ProtocolException {
        checkStrings(node);
        try {
            return new JsonBlob(mapper.writeValueAsString(node));
        } catch (IOException e) {
            throw new ProtocolException(Code.INVALID, "cannot re-encode object");
        }
    }

    Message decode(byte[] bytes) throws ProtocolException {
        JsonNode root = parseObject(bytes);
        JsonNode ridNode = root.get("rid");
        String rid = ridNode != null && ridNode.isTextual() && Message.RID.matcher(ridNode.textValue()).matches()
                ? ridNode.textValue() : null;
        JsonNode v = root.get("v");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != Message.VERSION) {
            throw new ProtocolException(Code.UNSUPPORTED_VERSION, "this server speaks v" + Message.VERSION, rid);
        }
        try {
            String type = str(root, "type");
            return switch (type) {
                case "challenge" -> new Message.Challenge(str(root, "nonce"), lng(root, "serverTime"), str(root, "serverId"));
                case "register" -> new Message.Register(optStr(root, "rid"), deviceId(root, "deviceId"),
                        str(root, "publicKey"), str(root, "signature"), aliases(optObj(root, "aliases")),
                        optStr(root, "enrollToken"), network(optObj(root, "network")));
                case "registered" -> new Message.Registered(optStr(root, "rid"), deviceId(root, "deviceId"),
                        lng(root, "heartbeatMs"), strings(root, "stun", 16), relay(optObj(root, "relay")),
                        lng(root, "serverTime"));
                case "update" -> new Message.Update(optStr(root, "rid"), network(obj(root, "network")));
                case "ok" -> new Message.Ok(optStr(root, "rid"));
                case "ping" -> new Message.Ping(optStr(root, "rid"));
                case "pong" -> new Message.Pong(optStr(root, "rid"), optLng(root, "serverTime", 0));
                case "connect" -> new Message.Connect(optStr(root, "rid"), identity(obj(root, "target")),
                        str(root, "session"), optBlob(root, "offer"));
                case "incoming" -> new Message.Incoming(str(root, "session"), peer(obj(root, "from")), optBlob(root, "offer"));
                case "answer" -> new Message.Answer(optStr(root, "rid"), str(root, "session"), bool(root, "accept"),
                        optBlob(root, "answer"), optStr(root, "reason"));
                case "answered" -> new Message.Answered(optStr(root, "rid"), str(root, "session"), peer(obj(root, "from")),
                        bool(root, "accept"), optBlob(root, "answer"), optStr(root, "reason"));
                case "signal" -> new Message.Signal(optStr(root, "rid"), str(root, "session"),
                        optDeviceId(root, "to"), optDeviceId(root, "from"), optBlob(root, "data"));
                case "pending" -> new Message.Pending(optStr(root, "rid"));
                case "pending-list" -> new Message.PendingList(optStr(root, "rid"), pendingItems(root));
                case "remap" -> new Message.Remap(optStr(root, "rid"), mapping(obj(root, "mapping")), str(root, "reason"));
                case "probe-ack" -> new Message.ProbeAck(optStr(root, "rid"), str(root, "nonce"));
                case "ladder-report" -> new Message.LadderReport(optStr(root, "rid"), str(root, "session"),
                        str(root, "outcome"), optStr(root, "path"), lng(root, "setupMs"), optStr(root, "reason"));
                case "delivery" -> new Message.Delivery(lng(root, "delivery"), str(root, "contentId"), lng(root, "size"),
                        str(root, "from"), optStr(root, "name"), optStr(root, "server"));
                case "share-announce", "share-withdraw", "share-find", "share-found", "share-access", "share-access-answer",
                     "share-survey", "qos-report", "qos-query", "qos-result" ->
                        new Message.Share(optStr(root, "rid"), type, optBlob(root, "body"));
                case "error" -> new Message.Error(optStr(root, "rid"), str(root, "code"), optStr(root, "message"));
                default -> throw new ProtocolException(Code.UNKNOWN_TYPE,
                        "unknown type " + (type.length() > 40 ? type.substring(0, 40) + "..." : type), rid);
            };
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(Code.INVALID, String.valueOf(e.getMessage()), rid);
        } catch (ProtocolException e) {
            throw e.withRid(rid);
        }
    }

    private List<Message.PendingItem> pendingItems(JsonNode root) throws ProtocolException {
        JsonNode items = arr(root, "items");
        List<Message.PendingItem> out = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            requireObject(item, "items[]");
            out.add(new Message.PendingItem(str(item, "session"), peer(obj(item, "from")), optBlob(item, "offer"),
                    lng(item, "expiresAt")));
        }
        return out;
    }

    JsonBlob optBlob(JsonNode node, String name) throws ProtocolException {
        JsonNode f = optObj(node, name);
        return f == null ? null : blobOf(f);
    }

    String encode(Message m) {
        return writer.encode(m);
    }

    JsonBlob offerBlob(Offer offer) {
        return writer.offerBlob(offer);
    }

    static JsonBlob offerBlobDefault(Offer offer) {
        return DEFAULT.writer.offerBlob(offer);
    }

    /** Network info as a standalone JSON object (the server stores it). */
    String networkJson(NetworkInfo n) {
        return writer.networkJson(n);
    }

    NetworkInfo parseNetwork(String json) throws ProtocolException {
        JsonNode root = parseObject(json.getBytes(StandardCharsets.UTF_8));
        try {
            return network(root);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(Code.INVALID, String.valueOf(e.getMessage()));
        }
    }
}
