package dev.peerlink.server.admin.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.uber.h3core.H3Core;
import com.uber.h3core.util.LatLng;
import dev.peerlink.server.admin.AdminData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code /api/qos}: the QoS map's cells as GeoJSON polygons (their H3 boundaries) with the predicted quality, and the
 * providers as points. Providers are shown at the centre of their H3 cell at resolution {@value #PROVIDER_RESOLUTION}
 * (about 0.7 km²), never where they said they are.
 */
public final class QosGeoJson {
    public static final int MAX_CELLS = 2000;
    public static final int MAX_PROVIDERS = 2000;
    static final int PROVIDER_RESOLUTION = 8;

    private static final class H3 {
        static final H3Core CORE = create();

        private static H3Core create() {
            try {
                return H3Core.newInstance();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the H3 native library", e);
            }
        }
    }

    private QosGeoJson() {}

    public static String of(AdminData data) {
        ObjectNode fc = Summary.JSON.createObjectNode();
        fc.put("type", "FeatureCollection");
        ArrayNode features = fc.putArray("features");
        if (!data.sharing()) {
            return fc.toString();
        }
        H3Core h3 = H3.CORE;
        for (AdminData.QosCell c : data.qosCells(MAX_CELLS)) {
            ObjectNode f = features.addObject();
            f.put("type", "Feature");
            ObjectNode geometry = f.putObject("geometry");
            geometry.put("type", "Polygon");
            ArrayNode ring = geometry.putArray("coordinates").addArray();
            List<LatLng> boundary = h3.cellToBoundary(c.cell());
            for (LatLng p : boundary) {
                ring.addArray().add(round(p.lng)).add(round(p.lat));
            }
            ring.addArray().add(round(boundary.get(0).lng)).add(round(boundary.get(0).lat)); // GeoJSON rings close
            ObjectNode props = f.putObject("properties");
            props.put("kind", "cell");
            props.put("cell", c.cell());
            props.put("quality", c.quality());
            props.put("score", c.score());
            props.put("devices", c.devices());
            number(props, "rttMs", c.rttMs());
            number(props, "downMbps", c.downMbps());
            number(props, "upMbps", c.upMbps());
            number(props, "lossPct", c.lossPct());
        }
        for (AdminData.Provider p : data.providers(MAX_PROVIDERS)) {
            LatLng centre = h3.cellToLatLng(h3.latLngToCell(p.point().lat(), p.point().lon(), PROVIDER_RESOLUTION));
            ObjectNode f = features.addObject();
            f.put("type", "Feature");
            ObjectNode geometry = f.putObject("geometry");
            geometry.put("type", "Point");
            geometry.putArray("coordinates").add(round(centre.lng)).add(round(centre.lat));
            ObjectNode props = f.putObject("properties");
            props.put("kind", "provider");
            ArrayNode services = props.putArray("services");
            p.services().forEach(services::add);
        }
        return fc.toString();
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    private static double round(double deg) {
        return Math.round(deg * 1e6) / 1e6;
    }
}
