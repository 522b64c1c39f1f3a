package dev.peerlink.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.peerlink.protocol.ProtocolException.Code;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The codec's machinery. Parsing uses Jackson's tree model only (no data binding, no type
 * information from the input, so no deserialization gadgets); every message is read and written
 * field by field.
 */
final class Json {
    static final Json DEFAULT = new Json(SignallingCodec.DEFAULT_MAX_BYTES, SignallingCodec.DEFAULT_MAX_DEPTH);

    private final JsonMapper mapper;
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
                case "delivery" -> new Message.Delivery(lng(root, "delivery"), str(root, "contentId"), lng(root, "size"),
                        deviceId(root, "from"), optStr(root, "name"), optStr(root, "server"));
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

    static Identity identity(JsonNode node) throws ProtocolException {
        Identity found = null;
        for (Identity.Kind k : Identity.Kind.values()) {
            String value = optStr(node, k.wire());
            if (value != null) {
                if (found != null) {
                    throw new ProtocolException(Code.INVALID, "identity names more than one kind");
                }
                found = new Identity(k, value);
            }
        }
        if (found == null) {
            throw new ProtocolException(Code.INVALID, "identity needs one of device, user, mac, username");
        }
        return found;
    }

    static Aliases aliases(JsonNode node) throws ProtocolException {
        if (node == null) {
            return Aliases.NONE;
        }
        return new Aliases(optStr(node, "user"), optStr(node, "mac"), optStr(node, "username"));
    }

    static PeerRef peer(JsonNode node) throws ProtocolException {
        return new PeerRef(deviceId(node, "deviceId"), str(node, "publicKey"));
    }

    static RelayGrant relay(JsonNode node) throws ProtocolException {
        if (node == null) {
            return null;
        }
        return new RelayGrant(strings(node, "urls", 8), str(node, "username"), str(node, "password"), lng(node, "ttlSeconds"));
    }

    static NetworkInfo.PortMapping mapping(JsonNode m) throws ProtocolException {
        return new NetworkInfo.PortMapping(str(m, "protocol"), Endpoints.parse(str(m, "external")),
                Endpoints.parse(str(m, "internal")), lng(m, "leaseSeconds"), optStr(m, "method"));
    }

    static NetworkInfo network(JsonNode node) throws ProtocolException {
        if (node == null) {
            return NetworkInfo.EMPTY;
        }
        List<InetSocketAddress> lan = new ArrayList<>();
        for (String s : strings(node, "lan", NetworkInfo.MAX_LAN)) {
            lan.add(Endpoints.parse(s));
        }
        String pub = optStr(node, "public");
        NetworkInfo.Nat nat = null;
        JsonNode n = optObj(node, "nat");
        if (n != null) {
            JsonNode pa = optObj(n, "portAllocation");
            nat = new NetworkInfo.Nat(optStr(n, "type"), optStr(n, "mapping"), optStr(n, "filtering"),
                    pa == null ? null : optStr(pa, "pattern"), pa == null ? null : optInt(pa, "delta"), optBool(n, "hairpinning"));
        }
        JsonNode l = optObj(node, "listen");
        NetworkInfo.Listen listen = l == null ? null : new NetworkInfo.Listen(optInt(l, "tcp"), optInt(l, "udp"));
        List<NetworkInfo.PortMapping> mappings = new ArrayList<>();
        JsonNode ms = optArr(node, "mappings");
        if (ms != null) {
            if (ms.size() > NetworkInfo.MAX_MAPPINGS) {
                throw new ProtocolException(Code.INVALID, "too many mappings");
            }
            for (JsonNode m : ms) {
                requireObject(m, "mappings[]");
                mappings.add(mapping(m));
            }
        }
        return new NetworkInfo(lan, pub == null ? null : Endpoints.parse(pub), nat, listen, mappings);
    }

    static Offer offer(JsonBlob blob) throws ProtocolException {
        JsonNode root = DEFAULT.parseObject(blob.json().getBytes(StandardCharsets.UTF_8));
        try {
            JsonNode reverse = optObj(root, "reverse");
            String tcp = reverse == null ? null : optStr(reverse, "tcp");
            JsonNode paths = root.get("paths");
            return new Offer(network(optObj(root, "network")), tcp == null ? null : Endpoints.parse(tcp),
                    paths == null || paths.isNull() ? List.of() : strings(root, "paths", Offer.MAX_PATHS));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(Code.INVALID, String.valueOf(e.getMessage()));
        }
    }

    // ---- field readers -------------------------------------------------------------------

    private static void requireObject(JsonNode node, String name) throws ProtocolException {
        if (node == null || !node.isObject()) {
            throw new ProtocolException(Code.INVALID, name + " must be an object");
        }
    }

    static String str(JsonNode node, String name) throws ProtocolException {
        String s = optStr(node, name);
        if (s == null) {
            throw new ProtocolException(Code.INVALID, name + " is required");
        }
        return s;
    }

    static String optStr(JsonNode node, String name) throws ProtocolException {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isTextual()) {
            throw new ProtocolException(Code.INVALID, name + " must be a string");
        }
        if (!wellFormed(f.textValue())) {
            throw new ProtocolException(Code.INVALID, name + " has an unpaired surrogate");
        }
        return f.textValue();
    }

    /** False for strings with unpaired UTF-16 surrogates (from \\uD800 escapes): they have no UTF-8 form. */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static void checkStrings(JsonNode node) throws ProtocolException {
        if (node.isTextual() && !wellFormed(node.textValue())) {
            throw new ProtocolException(Code.INVALID, "string with an unpaired surrogate");
        }
        if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!wellFormed(e.getKey())) {
                    throw new ProtocolException(Code.INVALID, "field name with an unpaired surrogate");
                }
                checkStrings(e.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode e : node) {
                checkStrings(e);
            }
        }
    }

    static DeviceId deviceId(JsonNode node, String name) throws ProtocolException {
        return new DeviceId(str(node, name));
    }

    static DeviceId optDeviceId(JsonNode node, String name) throws ProtocolException {
        String s = optStr(node, name);
        return s == null ? null : new DeviceId(s);
    }

    static long lng(JsonNode node, String name) throws ProtocolException {
        JsonNode f = node.get(name);
        if (f == null || !f.isIntegralNumber() || !f.canConvertToLong()) {
            throw new ProtocolException(Code.INVALID, name + " must be an integer");
        }
        return f.longValue();
    }

    static long optLng(JsonNode node, String name, long dflt) throws ProtocolException {
        JsonNode f = node.get(name);
        return f == null || f.isNull() ? dflt : lng(node, name);
    }

    static Integer optInt(JsonNode node, String name) throws ProtocolException {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isIntegralNumber() || !f.canConvertToInt()) {
            throw new ProtocolException(Code.INVALID, name + " must be an integer");
        }
        return f.intValue();
    }

    static boolean bool(JsonNode node, String name) throws ProtocolException {
        Boolean b = optBool(node, name);
        if (b == null) {
            throw new ProtocolException(Code.INVALID, name + " is required");
        }
        return b;
    }

    static Boolean optBool(JsonNode node, String name) throws ProtocolException {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isBoolean()) {
            throw new ProtocolException(Code.INVALID, name + " must be true or false");
        }
        return f.booleanValue();
    }

    static JsonNode obj(JsonNode node, String name) throws ProtocolException {
        JsonNode f = optObj(node, name);
        if (f == null) {
            throw new ProtocolException(Code.INVALID, name + " is required");
        }
        return f;
    }

    static JsonNode optObj(JsonNode node, String name) throws ProtocolException {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            return null;
        }
        requireObject(f, name);
        return f;
    }

    static JsonNode arr(JsonNode node, String name) throws ProtocolException {
        JsonNode f = optArr(node, name);
        if (f == null) {
            throw new ProtocolException(Code.INVALID, name + " is required");
        }
        return f;
    }

    static JsonNode optArr(JsonNode node, String name) throws ProtocolException {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isArray()) {
            throw new ProtocolException(Code.INVALID, name + " must be an array");
        }
        return f;
    }

    static List<String> strings(JsonNode node, String name, int max) throws ProtocolException {
        JsonNode a = optArr(node, name);
        if (a == null) {
            return List.of();
        }
        if (a.size() > max) {
            throw new ProtocolException(Code.INVALID, name + ": at most " + max + " entries");
        }
        List<String> out = new ArrayList<>(a.size());
        for (JsonNode e : a) {
            if (!e.isTextual() || !wellFormed(e.textValue())) {
                throw new ProtocolException(Code.INVALID, name + " entries must be strings");
            }
            out.add(e.textValue());
        }
        return out;
    }

    JsonBlob optBlob(JsonNode node, String name) throws ProtocolException {
        JsonNode f = optObj(node, name);
        return f == null ? null : blobOf(f);
    }

    // ---- writing -------------------------------------------------------------------------

    String encode(Message m) {
        ObjectNode o = mapper.createObjectNode();
        o.put("v", Message.VERSION);
        o.put("type", m.type());
        switch (m) {
            case Message.Challenge c -> {
                o.put("nonce", c.nonce());
                o.put("serverTime", c.serverTime());
                o.put("serverId", c.serverId());
            }
            case Message.Register r -> {
                putOpt(o, "rid", r.rid());
                o.put("deviceId", r.deviceId().value());
                o.put("publicKey", r.publicKey());
                o.put("signature", r.signature());
                if (!r.aliases().isEmpty()) {
                    ObjectNode a = o.putObject("aliases");
                    putOpt(a, "user", r.aliases().user());
                    putOpt(a, "mac", r.aliases().mac());
                    putOpt(a, "username", r.aliases().username());
                }
                putOpt(o, "enrollToken", r.enrollToken());
                writeNetwork(o.putObject("network"), r.network());
            }
            case Message.Registered r -> {
                putOpt(o, "rid", r.rid());
                o.put("deviceId", r.deviceId().value());
                o.put("heartbeatMs", r.heartbeatMs());
                ArrayNode stun = o.putArray("stun");
                r.stun().forEach(stun::add);
                if (r.relay() != null) {
                    ObjectNode rel = o.putObject("relay");
                    ArrayNode urls = rel.putArray("urls");
                    r.relay().urls().forEach(urls::add);
                    rel.put("username", r.relay().username());
                    rel.put("password", r.relay().password());
                    rel.put("ttlSeconds", r.relay().ttlSeconds());
                }
                o.put("serverTime", r.serverTime());
            }
            case Message.Update u -> {
                putOpt(o, "rid", u.rid());
                writeNetwork(o.putObject("network"), u.network());
            }
            case Message.Ok ok -> putOpt(o, "rid", ok.rid());
            case Message.Ping p -> putOpt(o, "rid", p.rid());
            case Message.Pong p -> {
                putOpt(o, "rid", p.rid());
                o.put("serverTime", p.serverTime());
            }
            case Message.Connect c -> {
                putOpt(o, "rid", c.rid());
                o.putObject("target").put(c.target().kind().wire(), c.target().value());
                o.put("session", c.session());
                o.putRawValue("offer", new RawValue(c.offer().json()));
            }
            case Message.Incoming i -> {
                o.put("session", i.session());
                writePeer(o.putObject("from"), i.from());
                o.putRawValue("offer", new RawValue(i.offer().json()));
            }
            case Message.Answer a -> {
                putOpt(o, "rid", a.rid());
                o.put("session", a.session());
                o.put("accept", a.accept());
                o.putRawValue("answer", new RawValue(a.answer().json()));
                putOpt(o, "reason", a.reason());
            }
            case Message.Answered a -> {
                putOpt(o, "rid", a.rid());
                o.put("session", a.session());
                writePeer(o.putObject("from"), a.from());
                o.put("accept", a.accept());
                o.putRawValue("answer", new RawValue(a.answer().json()));
                putOpt(o, "reason", a.reason());
            }
            case Message.Signal s -> {
                putOpt(o, "rid", s.rid());
                o.put("session", s.session());
                if (s.to() != null) {
                    o.put("to", s.to().value());
                }
                if (s.from() != null) {
                    o.put("from", s.from().value());
                }
                o.putRawValue("data", new RawValue(s.data().json()));
            }
            case Message.Pending p -> putOpt(o, "rid", p.rid());
            case Message.PendingList p -> {
                putOpt(o, "rid", p.rid());
                ArrayNode items = o.putArray("items");
                for (Message.PendingItem i : p.items()) {
                    ObjectNode item = items.addObject();
                    item.put("session", i.session());
                    writePeer(item.putObject("from"), i.from());
                    item.putRawValue("offer", new RawValue(i.offer().json()));
                    item.put("expiresAt", i.expiresAt());
                }
            }
            case Message.Remap r -> {
                putOpt(o, "rid", r.rid());
                writeMapping(o.putObject("mapping"), r.mapping());
                o.put("reason", r.reason());
            }
            case Message.ProbeAck a -> {
                putOpt(o, "rid", a.rid());
                o.put("nonce", a.nonce());
            }
            case Message.Delivery d -> {
                o.put("delivery", d.delivery());
                o.put("contentId", d.contentId());
                o.put("size", d.size());
                o.put("from", d.from().value());
                putOpt(o, "name", d.name());
                putOpt(o, "server", d.server());
            }
            case Message.Error e -> {
                putOpt(o, "rid", e.rid());
                o.put("code", e.code());
                o.put("message", e.message());
            }
        }
        try {
            return mapper.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + m.type(), e);
        }
    }

    JsonBlob offerBlob(Offer offer) {
        ObjectNode o = mapper.createObjectNode();
        writeNetwork(o.putObject("network"), offer.network());
        if (offer.reverseTcp() != null) {
            o.putObject("reverse").put("tcp", Endpoints.format(offer.reverseTcp()));
        }
        ArrayNode paths = o.putArray("paths");
        offer.paths().forEach(paths::add);
        try {
            return new JsonBlob(mapper.writeValueAsString(o));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonBlob offerBlobDefault(Offer offer) {
        return DEFAULT.offerBlob(offer);
    }

    private static void writePeer(ObjectNode o, PeerRef p) {
        o.put("deviceId", p.deviceId().value());
        o.put("publicKey", p.publicKey());
    }

    static void writeNetwork(ObjectNode o, NetworkInfo n) {
        ArrayNode lan = o.putArray("lan");
        n.lan().forEach(a -> lan.add(Endpoints.format(a)));
        if (n.publicAddress() != null) {
            o.put("public", Endpoints.format(n.publicAddress()));
        }
        if (n.nat() != null) {
            ObjectNode nat = o.putObject("nat");
            putOpt(nat, "type", n.nat().type());
            putOpt(nat, "mapping", n.nat().mapping());
            putOpt(nat, "filtering", n.nat().filtering());
            if (n.nat().portPattern() != null || n.nat().portDelta() != null) {
                ObjectNode pa = nat.putObject("portAllocation");
                putOpt(pa, "pattern", n.nat().portPattern());
                if (n.nat().portDelta() != null) {
                    pa.put("delta", n.nat().portDelta());
                }
            }
            if (n.nat().hairpinning() != null) {
                nat.put("hairpinning", n.nat().hairpinning());
            }
        }
        if (n.listen() != null) {
            ObjectNode l = o.putObject("listen");
            if (n.listen().tcp() != null) {
                l.put("tcp", n.listen().tcp());
            }
            if (n.listen().udp() != null) {
                l.put("udp", n.listen().udp());
            }
        }
        if (!n.mappings().isEmpty()) {
            ArrayNode ms = o.putArray("mappings");
            for (NetworkInfo.PortMapping m : n.mappings()) {
                writeMapping(ms.addObject(), m);
            }
        }
    }

    static void writeMapping(ObjectNode mo, NetworkInfo.PortMapping m) {
        mo.put("protocol", m.protocol());
        mo.put("external", Endpoints.format(m.external()));
        mo.put("internal", Endpoints.format(m.internal()));
        mo.put("leaseSeconds", m.leaseSeconds());
        putOpt(mo, "method", m.method());
    }

    /** Network info as a standalone JSON object (the server stores it). */
    String networkJson(NetworkInfo n) {
        ObjectNode o = mapper.createObjectNode();
        writeNetwork(o, n);
        return o.toString();
    }

    NetworkInfo parseNetwork(String json) throws ProtocolException {
        JsonNode root = parseObject(json.getBytes(StandardCharsets.UTF_8));
        try {
            return network(root);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(Code.INVALID, String.valueOf(e.getMessage()));
        }
    }

    private static void putOpt(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }
}
