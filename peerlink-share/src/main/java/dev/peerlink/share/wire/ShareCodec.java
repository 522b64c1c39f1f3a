package dev.peerlink.share.wire;

import static dev.peerlink.share.wire.BodyReader.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.share.scene.SceneKind;
import dev.peerlink.share.wire.ShareProtocolException.Code;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The pure sharing codec: a {@link Message.Share} in, a typed {@link ShareBody} or a {@link ShareProtocolException}
 * out, and back. The signalling codec has already bounded the frame (64 KiB, depth 16); this one reads the body field
 * by field, so every refusal names the field. Thread-safe.
 */
public final class ShareCodec {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ShareCodec() {}

    public static ShareBody decode(Message.Share m) throws ShareProtocolException {
        JsonNode b;
        try {
            b = MAPPER.readTree(m.body().json());
        } catch (IOException e) {
            throw new ShareProtocolException(Code.MALFORMED, "body is not JSON");
        }
        try {
            return switch (m.kind()) {
                case "share-announce" -> new ShareBody.Announce(location(optObj(b, "location")), strings(b, "networks", ShareBody.MAX_NETWORKS),
                        strings(b, "sceneHints", Names.MAX_LABELS), offer(obj(b, "offer")), state(optObj(b, "state")), policy(optObj(b, "policy")));
                case "share-withdraw" -> new ShareBody.Withdraw();
                case "share-find" -> new ShareBody.Find(location(optObj(b, "location")), wifi(b, "wifi"), scene(obj(b, "scene")),
                        strings(b, "networks", ShareBody.MAX_NETWORKS), conditions(optObj(b, "need")), optInt(b, "count", 3),
                        optInt(b, "timeoutMs", 0));
                case "share-found" -> found(b);
                case "share-access" -> new ShareBody.AccessRequest(str(b, "request"), str(b, "requester"), conditions(obj(b, "need")),
                        SceneKind.fromWire(str(b, "scene")), optLng(b, "distanceMeters", -1), lng(b, "expiresAt"));
                case "share-access-answer" -> new ShareBody.AccessAnswer(str(b, "request"), bool(b, "accept", false),
                        offer(optObj(b, "offer")), state(optObj(b, "state")), optStr(b, "reason"));
                case "share-survey" -> new ShareBody.Survey(point(obj(b, "point")), wifi(b, "wifi"), optStr(b, "site"));
                case "qos-report" -> qosReport(b);
                case "qos-query" -> qosQuery(b);
                case "qos-result" -> qosResult(b);
                default -> throw new ShareProtocolException(Code.MALFORMED, "not a sharing message: " + m.kind());
            };
        } catch (IllegalArgumentException e) {
            throw new ShareProtocolException(Code.INVALID, String.valueOf(e.getMessage()));
        }
    }

    /** The message carrying {@code body} ({@code rid} null for server-initiated messages). */
    public static Message.Share encode(String rid, ShareBody body) {
        ObjectNode o = MAPPER.createObjectNode();
        switch (body) {
            case ShareBody.Announce a -> {
                BodyWriter.location(o, "location", a.location());
                BodyWriter.strings(o, "networks", a.networks());
                BodyWriter.strings(o, "sceneHints", a.sceneHints());
                BodyWriter.offer(o, "offer", a.offer());
                BodyWriter.state(o, "state", a.state());
                BodyWriter.policy(o, "policy", a.policy());
            }
            case ShareBody.Withdraw w -> { }
            case ShareBody.Find f -> {
                BodyWriter.location(o, "location", f.location());
                BodyWriter.wifi(o, "wifi", f.wifi());
                BodyWriter.scene(o.putObject("scene"), f.scene());
                BodyWriter.strings(o, "networks", f.networks());
                BodyWriter.conditions(o, "need", f.need());
                o.put("count", f.count());
                o.put("timeoutMs", f.timeoutMs());
            }
            case ShareBody.Found f -> writeFound(o, f);
            case ShareBody.AccessRequest r -> {
                o.put("request", r.request());
                o.put("requester", r.requester());
                BodyWriter.conditions(o, "need", r.need());
                o.put("scene", r.scene().wire());
                o.put("distanceMeters", r.distanceMeters());
                o.put("expiresAt", r.expiresAt());
            }
            case ShareBody.AccessAnswer a -> {
                o.put("request", a.request());
                o.put("accept", a.accept());
                BodyWriter.offer(o, "offer", a.offer());
                BodyWriter.state(o, "state", a.state());
                if (a.reason() != null) {
                    o.put("reason", a.reason());
                }
            }
            case ShareBody.Survey s -> {
                BodyWriter.point(o.putObject("point"), s.point());
                BodyWriter.wifi(o, "wifi", s.wifi());
                if (s.site() != null) {
                    o.put("site", s.site());
                }
            }
            case ShareBody.QosReport r -> {
                ArrayNode a = o.putArray("samples");
                for (ShareBody.QosPoint p : r.samples()) {
                    ObjectNode s = a.addObject();
                    BodyWriter.point(s, p.point());
                    s.put("time", p.timeMillis());
                    BodyWriter.num(s, "rttMs", p.rttMs());
                    BodyWriter.num(s, "downMbps", p.downMbps());
                    BodyWriter.num(s, "upMbps", p.upMbps());
                    BodyWriter.num(s, "lossPct", p.lossPct());
                    s.put("offlineMs", p.offlineMs());
                    s.put("periodMs", p.periodMs());
                    s.put("network", p.network());
                }
            }
            case ShareBody.QosQuery q -> {
                ArrayNode a = o.putArray("route");
                for (ShareBody.RoutePoint p : q.route()) {
                    ObjectNode s = a.addObject();
                    BodyWriter.point(s, p.point());
                    s.put("time", p.timeMillis());
                }
            }
            case ShareBody.QosResult r -> {
                ArrayNode a = o.putArray("cells");
                for (ShareBody.CellQuality c : r.cells()) {
                    ObjectNode s = a.addObject();
                    s.put("cell", c.cell());
                    s.put("enterTime", c.enterTime());
                    s.put("disclosed", c.disclosed());
                    s.put("hourOfWeek", c.hourOfWeek());
                    BodyWriter.num(s, "rttMs", c.rttMs());
                    BodyWriter.num(s, "downMbps", c.downMbps());
                    BodyWriter.num(s, "upMbps", c.upMbps());
                    BodyWriter.num(s, "lossPct", c.lossPct());
                    BodyWriter.num(s, "offlineFraction", c.offlineFraction());
                    BodyWriter.num(s, "score", c.score());
                    s.put("quality", c.quality());
                    s.put("devices", c.devices());
                    s.put("weak", c.weak());
                    if (c.reason() != null) {
                        s.put("reason", c.reason());
                    }
                }
            }
        }
        try {
            return new Message.Share(rid, body.kind(), JsonBlob.parse(MAPPER.writeValueAsString(o)));
        } catch (IOException | ProtocolException e) {
            throw new IllegalStateException("cannot encode " + body.kind() + ": " + e.getMessage(), e);
        }
    }

    private static void writeFound(ObjectNode o, ShareBody.Found f) {
        ArrayNode a = o.putArray("providers");
        for (ShareBody.Match m : f.providers()) {
            ObjectNode p = a.addObject();
            p.put("deviceId", m.deviceId());
            p.put("publicKey", m.publicKey());
            p.put("distanceMeters", m.distanceMeters());
            BodyWriter.offer(p, "offer", m.offer());
            BodyWriter.state(p, "state", m.state());
            p.put("score", Math.round(m.score() * 1000) / 1000.0);
        }
        ShareBody.FindStats s = f.stats();
        ObjectNode st = o.putObject("stats");
        st.put("candidates", s.candidates());
        st.put("asked", s.asked());
        st.put("accepted", s.accepted());
        st.put("declined", s.declined());
        st.put("timedOut", s.timedOut());
        st.put("refusedByPolicy", s.refusedByPolicy());
        st.put("unmatched", s.unmatched());
        if (f.locationSource() != null) {
            o.put("locationSource", f.locationSource());
        }
        BodyWriter.num(o, "accuracyMeters", f.accuracyMeters());
    }

    private static ShareBody.Found found(JsonNode b) throws ShareProtocolException {
        List<ShareBody.Match> providers = new ArrayList<>();
        for (JsonNode p : arr(b, "providers", ShareBody.Find.MAX_COUNT)) {
            providers.add(new ShareBody.Match(str(p, "deviceId"), str(p, "publicKey"), optLng(p, "distanceMeters", -1),
                    offer(obj(p, "offer")), state(obj(p, "state")), num(p, "score")));
        }
        JsonNode s = obj(b, "stats");
        ShareBody.FindStats stats = new ShareBody.FindStats(optInt(s, "candidates", 0), optInt(s, "asked", 0),
                optInt(s, "accepted", 0), optInt(s, "declined", 0), optInt(s, "timedOut", 0), optInt(s, "refusedByPolicy", 0),
                optInt(s, "unmatched", 0));
        return new ShareBody.Found(providers, stats, optStr(b, "locationSource"), optNum(b, "accuracyMeters"));
    }

    private static ShareBody.QosReport qosReport(JsonNode b) throws ShareProtocolException {
        List<ShareBody.QosPoint> out = new ArrayList<>();
        for (JsonNode s : arr(b, "samples", ShareBody.QosReport.MAX_SAMPLES)) {
            out.add(new ShareBody.QosPoint(point(s), lng(s, "time"), optNum(s, "rttMs"), optNum(s, "downMbps"),
                    optNum(s, "upMbps"), optNum(s, "lossPct"), optLng(s, "offlineMs", 0), lng(s, "periodMs"), optStr(s, "network")));
        }
        return new ShareBody.QosReport(out);
    }

    private static ShareBody.QosQuery qosQuery(JsonNode b) throws ShareProtocolException {
        List<ShareBody.RoutePoint> out = new ArrayList<>();
        for (JsonNode s : arr(b, "route", ShareBody.QosQuery.MAX_POINTS)) {
            out.add(new ShareBody.RoutePoint(point(s), lng(s, "time")));
        }
        return new ShareBody.QosQuery(out);
    }

    private static ShareBody.QosResult qosResult(JsonNode b) throws ShareProtocolException {
        List<ShareBody.CellQuality> out = new ArrayList<>();
        for (JsonNode s : arr(b, "cells", 100_000)) {
            out.add(new ShareBody.CellQuality(str(s, "cell"), lng(s, "enterTime"), bool(s, "disclosed", false),
                    optInt(s, "hourOfWeek", -1), optNum(s, "rttMs"), optNum(s, "downMbps"), optNum(s, "upMbps"),
                    optNum(s, "lossPct"), optNum(s, "offlineFraction"), optNum(s, "score"), optStr(s, "quality"),
                    optInt(s, "devices", 0), bool(s, "weak", false), optStr(s, "reason")));
        }
        return new ShareBody.QosResult(out);
    }
}
