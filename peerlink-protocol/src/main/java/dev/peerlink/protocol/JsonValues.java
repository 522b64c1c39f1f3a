package dev.peerlink.protocol;

import static dev.peerlink.protocol.JsonFields.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peerlink.protocol.ProtocolException.Code;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Readers of the protocol's value types (identities, network info, relay grants, offers) from Jackson trees. */
final class JsonValues {
    private JsonValues() {}

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
        try {
            return new RelayGrant(strings(node, "urls", 8), str(node, "username"), str(node, "password"), lng(node, "ttlSeconds"),
                    strings(node, "streamUrls", 8));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(Code.INVALID, "relay: " + e.getMessage());
        }
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
        JsonNode root = Json.DEFAULT.parseObject(blob.json().getBytes(StandardCharsets.UTF_8));
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
}
