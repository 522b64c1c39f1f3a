package dev.peerlink.share.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GeodesyTest {
    private static final GeoPoint PARIS = GeoPoint.of(48.8566, 2.3522), LONDON = GeoPoint.of(51.5074, -0.1278);

    @Test
    void parisToLondonIsAbout343Km() {
        assertThat(Geodesy.haversineMeters(PARIS, LONDON)).isCloseTo(343_500, withinPercentage(0.5));
        assertThat(Geodesy.haversineMeters(LONDON, PARIS)).isEqualTo(Geodesy.haversineMeters(PARIS, LONDON));
    }

    @Test
    void oneDegreeOfLatitudeIsAbout111Km() {
        assertThat(Geodesy.haversineMeters(GeoPoint.of(0, 0), GeoPoint.of(1, 0))).isCloseTo(111_195, within(5.0));
        assertThat(Geodesy.haversineMeters(GeoPoint.of(45, 10), GeoPoint.of(46, 10))).isCloseTo(111_195, within(5.0));
    }

    @Test
    void acrossTheAntimeridianIsShortNotAroundTheWorld() {
        double d = Geodesy.haversineMeters(GeoPoint.of(0, 179.9995), GeoPoint.of(0, -179.9995));
        assertThat(d).isCloseTo(111.2, within(0.5));
        assertThat(Geodesy.haversineMeters(GeoPoint.of(0, 180), GeoPoint.of(0, -180))).isCloseTo(0, within(1e-6));
    }

    @Test
    void acrossTheNorthPoleIsTwiceTheDistanceToIt() {
        double d = Geodesy.haversineMeters(GeoPoint.of(89.9999, 0), GeoPoint.of(89.9999, 180));
        assertThat(d).isCloseTo(22.24, within(0.05));
    }

    @Test
    void poleToPoleIsHalfAGreatCircle() {
        assertThat(Geodesy.haversineMeters(GeoPoint.of(90, 0), GeoPoint.of(-90, 0))).isCloseTo(Math.PI * 6_371_008.8, within(1.0));
        // antipodes on the equator: the atan2 form keeps its digits here
        assertThat(Geodesy.haversineMeters(GeoPoint.of(0, 0), GeoPoint.of(0, 180))).isCloseTo(Math.PI * 6_371_008.8, within(1.0));
    }

    @Test
    void haversineIgnoresAltitude() {
        assertThat(Geodesy.haversineMeters(GeoPoint.of(10, 20, 0), GeoPoint.of(10, 20, 500))).isZero();
    }

    @Test
    void ecefOfReferencePoints() {
        assertThat(Geodesy.ecef(GeoPoint.of(0, 0, 0))).containsExactly(new double[] {6_378_137, 0, 0}, within(1e-6));
        assertThat(Geodesy.ecef(GeoPoint.of(0, 0))).containsExactly(new double[] {6_378_137, 0, 0}, within(1e-6));
        assertThat(Geodesy.ecef(GeoPoint.of(0, 90, 100))).containsExactly(new double[] {0, 6_378_237, 0}, within(1e-6));
        double[] north = Geodesy.ecef(GeoPoint.of(90, 0, 0));
        assertThat(north[2]).isCloseTo(6_356_752.314, within(1e-3));
        assertThat(Math.hypot(north[0], north[1])).isCloseTo(0, within(1e-6));
        assertThat(Geodesy.ecef(GeoPoint.of(-90, 0, 10))[2]).isCloseTo(-6_356_762.314, within(1e-3));
    }

    @Test
    void enuOfAPointHundredMetresNorthAndTenMetresUp() {
        GeoPoint origin = GeoPoint.of(48.8566, 2.3522, 35);
        Enu north = Geodesy.enu(origin, Geodesy.destination(origin, 0, 100));
        assertThat(north.east()).isCloseTo(0, within(0.1));
        assertThat(north.north()).isCloseTo(100, within(0.1));
        assertThat(north.up()).isCloseTo(0, within(0.1));
        Enu east = Geodesy.enu(origin, Geodesy.destination(origin, 90, 100));
        // destination walks the mean sphere; east-west the ellipsoid's radius here is 0.3 % larger
        assertThat(east.east()).isCloseTo(100, within(0.5));
        assertThat(east.north()).isCloseTo(0, within(0.1));

        Enu up = Geodesy.enu(origin, GeoPoint.of(48.8566, 2.3522, 45));
        assertThat(up.up()).isCloseTo(10, within(1e-6));
        assertThat(up.horizontal()).isCloseTo(0, within(1e-6));
        assertThat(up.norm()).isCloseTo(10, within(1e-6));
    }

    @Test
    void unknownAltitudeOnEitherSideMeansTheSameHeight() {
        GeoPoint high = GeoPoint.of(10, 10, 500), unknown = GeoPoint.of(10, 10);
        assertThat(Geodesy.enu(high, unknown).norm()).isCloseTo(0, within(1e-6));
        assertThat(Geodesy.enu(unknown, high).norm()).isCloseTo(0, within(1e-6));
        assertThat(Geodesy.distance3dMeters(high, unknown)).isCloseTo(0, within(1e-6));
        assertThat(Geodesy.distance3dMeters(GeoPoint.of(10, 10, 0), high)).isCloseTo(500, within(1e-6));
    }

    @Test
    void enuEastCrossesTheAntimeridian() {
        Enu e = Geodesy.enu(GeoPoint.of(0, 179.9995, 0), GeoPoint.of(0, -179.9995, 0));
        assertThat(e.east()).isCloseTo(111.3, within(0.2)); // 0.001° on the WGS84 equator
        assertThat(e.north()).isCloseTo(0, within(1e-6));
    }

    @Test
    void distance3dIsTheChordAndSymmetric() {
        double chord = Geodesy.distance3dMeters(GeoPoint.of(0, 0, 0), GeoPoint.of(0, 90, 0));
        assertThat(chord).isCloseTo(6_378_137 * Math.sqrt(2), within(1e-6));
        assertThat(Geodesy.distance3dMeters(PARIS, LONDON)).isEqualTo(Geodesy.distance3dMeters(LONDON, PARIS));
    }

    @Test
    void destinationNormalisesLongitudeAndCrossesThePole() {
        GeoPoint east = Geodesy.destination(GeoPoint.of(0, 179.9995), 90, 111.19);
        assertThat(east.lon()).isCloseTo(-179.9995, within(1e-6));
        GeoPoint west = Geodesy.destination(GeoPoint.of(0, -179.9995), 270, 111.19);
        assertThat(west.lon()).isCloseTo(179.9995, within(1e-6));

        GeoPoint overPole = Geodesy.destination(GeoPoint.of(89.9999, 0, 5), 0, 22.239);
        assertThat(overPole.lat()).isCloseTo(89.9999, within(1e-6));
        assertThat(Math.abs(overPole.lon())).isCloseTo(180, within(1e-6));
        assertThat(overPole.alt()).isEqualTo(5);
        assertThat(Geodesy.haversineMeters(GeoPoint.of(12, 34), Geodesy.destination(GeoPoint.of(12, 34), 211, 4321)))
                .isCloseTo(4321, within(1e-6));
    }

    @Test
    void destinationRefusesNonFiniteInput() {
        assertThatThrownBy(() -> Geodesy.destination(PARIS, Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Geodesy.destination(PARIS, 0, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void normaliseLonFoldsIntoHalfOpenRange() {
        assertThat(Geodesy.normaliseLon(180)).isEqualTo(-180);
        assertThat(Geodesy.normaliseLon(-180)).isEqualTo(-180);
        assertThat(Geodesy.normaliseLon(190)).isCloseTo(-170, within(1e-9));
        assertThat(Geodesy.normaliseLon(-190)).isCloseTo(170, within(1e-9));
        assertThat(Geodesy.normaliseLon(725)).isCloseTo(5, within(1e-9));
    }

    @Test
    void fromEnuInvertsEnuEverywhereIncludingPolesAndAntimeridian() {
        Random rnd = new Random(20261121);
        double[][] special = {{89.9999, 0}, {-89.99, 45}, {0, 179.9999}, {-33, -179.9999}, {90, 0}};
        for (int i = 0; i < 2000; i++) {
            double lat = i < special.length ? special[i][0] : rnd.nextDouble() * 180 - 90;
            double lon = i < special.length ? special[i][1] : rnd.nextDouble() * 360 - 180;
            GeoPoint origin = GeoPoint.of(lat, lon, rnd.nextDouble() * 1000 - 100);
            Enu offset = new Enu(rnd.nextGaussian() * 2000, rnd.nextGaussian() * 2000, rnd.nextGaussian() * 200);
            Enu back = Geodesy.enu(origin, Geodesy.fromEnu(origin, offset));
            assertThat(back.east()).as("east at %s", origin).isCloseTo(offset.east(), within(1e-6));
            assertThat(back.north()).as("north at %s", origin).isCloseTo(offset.north(), within(1e-6));
            assertThat(back.up()).as("up at %s", origin).isCloseTo(offset.up(), within(1e-6));
        }
    }

    @Test
    void enuRefusesNonFiniteComponents() {
        assertThatThrownBy(() -> new Enu(Double.NaN, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Enu(3, 4, 12).horizontal()).isEqualTo(5);
        assertThat(new Enu(3, 4, 12).norm()).isEqualTo(13);
    }
}
