package dev.peerlink.server.admin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.uber.h3core.H3Core;
import dev.peerlink.server.admin.AdminData;
import dev.peerlink.share.geo.GeoPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class QosGeoJsonTest {
    static AdminData data(boolean sharing, List<AdminData.QosCell> cells, List<AdminData.Provider> providers) {
        return new AdminData() {
            public List<Repair> recentRepairs() { return List.of(); }
            public boolean sharing() { return sharing; }
            public List<QosCell> qosCells(int max) { return cells.subList(0, Math.min(max, cells.size())); }
            public List<Provider> providers(int max) { return providers.subList(0, Math.min(max, providers.size())); }
        };
    }

    @Test
    void cellsAreClosedHexagonsAndProvidersSitAtACoarseCellCentre() throws Exception {
        H3Core h3 = H3Core.newInstance();
        String cell = h3.latLngToCellAddress(52.52, 13.405, 9);
        GeoPoint exact = GeoPoint.of(52.520_123, 13.405_456);
        JsonNode fc = new ObjectMapper().readTree(QosGeoJson.of(data(true,
                List.of(new AdminData.QosCell(cell, "good", 0.82, 5, 40, 20, 5, Double.NaN)),
                List.of(new AdminData.Provider(exact, List.of("socks5"))))));
        assertThat(fc.path("type").asText()).isEqualTo("FeatureCollection");
        JsonNode hex = fc.path("features").get(0);
        assertThat(hex.path("geometry").path("type").asText()).isEqualTo("Polygon");
        JsonNode ring = hex.path("geometry").path("coordinates").get(0);
        assertThat(ring.size()).isEqualTo(7); // six corners, closed
        assertThat(ring.get(0)).isEqualTo(ring.get(6));
        assertThat(ring.get(0).get(0).asDouble()).isBetween(13.3, 13.5); // [lon, lat]
        assertThat(hex.path("properties").path("quality").asText()).isEqualTo("good");
        assertThat(hex.path("properties").path("lossPct").isNull()).isTrue();
        JsonNode provider = fc.path("features").get(1);
        assertThat(provider.path("properties").path("kind").asText()).isEqualTo("provider");
        JsonNode at = provider.path("geometry").path("coordinates");
        var centre = h3.cellToLatLng(h3.latLngToCell(exact.lat(), exact.lon(), QosGeoJson.PROVIDER_RESOLUTION));
        assertThat(at.get(0).asDouble()).isCloseTo(centre.lng, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(at.get(1).asDouble()).isCloseTo(centre.lat, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(at.get(1).asDouble()).isNotEqualTo(exact.lat());
    }

    @Test
    void sharingOffIsAnEmptyCollection() throws Exception {
        JsonNode fc = new ObjectMapper().readTree(QosGeoJson.of(AdminData.none()));
        assertThat(fc.path("features").size()).isZero();
    }
}
