package dev.peerlink.peer.internal.ladder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.protocol.Endpoints;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.ProtocolException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What each device tells the other in the connect offer and answer (carried verbatim by the server in the
 * {@code offer}/{@code answer} blobs): where it accepts TCP (also the reverse-connection listener), its UDP
 * candidates (host addresses and the STUN mapping of the ladder's UDP socket), its public IP and NAT type.
 *
 * <pre>{"ladder":1,"tcp":["10.0.1.2:40111"],"udp":["10.0.1.2:51000","203.0.113.101:51000"],
 *  "ip":"203.0.113.101","nat":"port-restricted-cone","relay":true,"mapped":["203.0.113.101:7001"]}</pre>
 *
 * @param mapped external endpoints of gateway TCP port mappings of the device's fixed listen port (path
 *     {@code mapped}); absent in older offers (empty)
 * @param publicIp the device's public IP as STUN saw it (null if unknown)
 * @param nat the NAT type label of {@code dev.peerlink.stun.nat.NatType} (null if unknown)
 * @param relay whether the device can allocate on a TURN relay
 */
public record LadderOffer(List<InetSocketAddress> tcp, List<InetSocketAddress> udp, InetAddress publicIp, String nat,
                          boolean relay, List<InetSocketAddress> mapped) {
    public static final int MAX_CANDIDATES = 16;
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    public LadderOffer {
        tcp = List.copyOf(tcp.subList(0, Math.min(tcp.size(), MAX_CANDIDATES)));
        udp = List.copyOf(udp.subList(0, Math.min(udp.size(), MAX_CANDIDATES)));
        mapped = mapped == null ? List.of() : List.copyOf(mapped.subList(0, Math.min(mapped.size(), MAX_CANDIDATES)));
    }

    /** An offer without mapped candidates. */
    public LadderOffer(List<InetSocketAddress> tcp, List<InetSocketAddress> udp, InetAddress publicIp, String nat,
                       boolean relay) {
        this(tcp, udp, publicIp, nat, relay, List.of());
    }

    public JsonBlob toBlob() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("ladder", 1);
        tcp.forEach(a -> o.withArray("tcp").add(Endpoints.format(a)));
        udp.forEach(a -> o.withArray("udp").add(Endpoints.format(a)));
        if (publicIp != null) {
            o.put("ip", publicIp.getHostAddress());
        }
        if (nat != null) {
            o.put("nat", nat);
        }
        o.put("relay", relay);
        mapped.forEach(a -> o.withArray("mapped").add(Endpoints.format(a)));
        try {
            return JsonBlob.parse(o.toString());
        } catch (ProtocolException e) {
            throw new IllegalStateException("offer does not fit the signalling limits", e);
        }
    }

    /** Reads an offer; fields that are missing or malformed give a {@link ProtocolException}. */
    public static LadderOffer from(JsonBlob blob) throws ProtocolException {
        try {
            JsonNode n = MAPPER.readTree(blob.json());
            if (n.path("ladder").asInt(0) != 1) {
                throw new ProtocolException(ProtocolException.Code.INVALID, "not a ladder offer (version 1)");
            }
            InetAddress ip = null;
            if (n.hasNonNull("ip")) {
                String t = n.get("ip").asText();
                ip = Endpoints.parse(t.indexOf(':') >= 0 ? "[" + t + "]:1" : t + ":1").getAddress();
            }
            String nat = n.hasNonNull("nat") ? n.get("nat").asText() : null;
            if (nat != null && !nat.matches("[a-z0-9-]{1,40}")) {
                throw new ProtocolException(ProtocolException.Code.INVALID, "bad nat label");
            }
            return new LadderOffer(addresses(n.path("tcp")), addresses(n.path("udp")), ip, nat,
                    n.path("relay").asBoolean(false), addresses(n.path("mapped")));
        } catch (ProtocolException e) {
            throw e;
        } catch (Exception e) {
            throw new ProtocolException(ProtocolException.Code.INVALID, "bad ladder offer: " + e.getMessage());
        }
    }

    private static List<InetSocketAddress> addresses(JsonNode arr) throws ProtocolException {
        List<InetSocketAddress> out = new ArrayList<>();
        if (arr.isMissingNode()) {
            return out;
        }
        if (!arr.isArray() || arr.size() > MAX_CANDIDATES) {
            throw new ProtocolException(ProtocolException.Code.INVALID, "candidates must be an array of at most "
                    + MAX_CANDIDATES);
        }
        for (JsonNode a : arr) {
            out.add(Endpoints.parse(a.asText()));
        }
        return out;
    }
}
