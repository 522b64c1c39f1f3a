package dev.peerlink.share.qos.internal;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.uber.h3core.util.LatLng;
import dev.peerlink.share.qos.QosPrediction;
import dev.peerlink.share.qos.RouteReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A route report as a GeoJSON FeatureCollection: one Polygon feature per cell visit (the H3 hexagon, exterior
 * ring counter-clockwise as RFC 7946 asks) with properties cell, enter, leave, quality, weak, reason, and when
 * known hourOfWeek, score, rttMs, downMbps, upMbps, lossPct, offlineFraction, devices (unknown metrics as null);
 * and a foreign member {@code weakSpots} listing cell, from, to, reason. Cells crossing the antimeridian are not
 * split.
 */
public final class RouteReportGeoJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RouteReportGeoJson() {}

    public static String write(RouteReport report) {
        ObjectNode root = JSON.createObjectNode().put("type", "FeatureCollection");
        ArrayNode features = root.putArray("features");
        for (RouteReport.CellVisit v : report.cells()) {
            ObjectNode f = features.addObject().put("type", "Feature");
            ObjectNode geometry = f.putObject("geometry").put("type", "Polygon");
            ArrayNode ring = geometry.putArray("coordinates").addArray();
            for (LatLng p : ring(v.cell())) {
                ring.addArray().add(p.lng).add(p.lat);
            }
            ObjectNode props = f.putObject("properties")
                    .put("cell", v.cell())
                    .put("enter", v.enter().toString())
                    .put("leave", v.leave().toString())
                    .put("quality", v.quality())
                    .put("weak", v.weak());
            props.put("reason", v.reason());
            QosPrediction p = v.prediction();
            if (p != null) {
                props.put("hourOfWeek", p.hourOfWeek());
                number(props, "score", p.score());
                number(props, "rttMs", p.rttMs());
                number(props, "downMbps", p.downMbps());
                number(props, "upMbps", p.upMbps());
                number(props, "lossPct", p.lossPct());
                number(props, "offlineFraction", p.offlineFraction());
                props.put("devices", p.devices());
            }
        }
        ArrayNode weak = root.putArray("weakSpots");
        for (RouteReport.WeakSpot w : report.weakSpots()) {
            weak.addObject().put("cell", w.cell()).put("from", w.from().toString()).put("to", w.to().toString())
                    .put("reason", w.reason());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    /** The closed, counter-clockwise boundary of the cell. */
    private static List<LatLng> ring(String cell) {
        List<LatLng> boundary = new ArrayList<>(H3Cells.h3().cellToBoundary(cell));
        double twiceArea = 0;
        for (int i = 0; i < boundary.size(); i++) {
            LatLng a = boundary.get(i), b = boundary.get((i + 1) % boundary.size());
            twiceArea += a.lng * b.lat - b.lng * a.lat;
        }
        if (twiceArea < 0) {
            Collections.reverse(boundary);
        }
        boundary.add(boundary.getFirst());
        return boundary;
    }

    /** JSON has no NaN: unknown metrics become null. */
    private static void number(ObjectNode props, String name, double value) {
        if (Double.isNaN(value)) {
            props.putNull(name);
        } else {
            props.put(name, value);
        }
    }
}
