package dev.peerlink.protocol;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;

/** Writes messages and value types field by field (the encoding half of the codec). */
final class MessageWriter {
    private final JsonMapper mapper;

    MessageWriter(JsonMapper mapper) {
        this.mapper = mapper;
    }

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
                    if (!r.relay().streamUrls().isEmpty()) {
                        ArrayNode streams = rel.putArray("streamUrls");
                        r.relay().streamUrls().forEach(streams::add);
                    }
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
            case Message.LadderReport r -> {
                putOpt(o, "rid", r.rid());
                o.put("session", r.session());
                o.put("outcome", r.outcome());
                putOpt(o, "path", r.path());
                o.put("setupMs", r.setupMs());
                putOpt(o, "reason", r.reason());
            }
            case Message.Delivery d -> {
                o.put("delivery", d.delivery());
                o.put("contentId", d.contentId());
                o.put("size", d.size());
                o.put("from", d.from());
                putOpt(o, "name", d.name());
                putOpt(o, "server", d.server());
            }
            case Message.Share s -> {
                putOpt(o, "rid", s.rid());
                o.putRawValue("body", new RawValue(s.body().json()));
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

    private static void putOpt(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }
}
