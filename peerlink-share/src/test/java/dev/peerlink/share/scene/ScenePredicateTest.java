package dev.peerlink.share.scene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.share.Location;
import dev.peerlink.share.geo.Enu;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.geo.Geodesy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scene predicates against devices placed at known offsets around origins everywhere on Earth. */
class ScenePredicateTest {
    private static final long T = 1_700_000_000_000L;

    /** Ordinary places plus the awkward ones: both sides of the antimeridian, near both poles. */
    private static List<GeoPoint> origins(Random rnd) {
        List<GeoPoint> out = new ArrayList<>(List.of(
                GeoPoint.of(0, 179.9999, 20), GeoPoint.of(-12.5, -179.99995, 0), GeoPoint.of(89.99, 123, 10),
                GeoPoint.of(-89.95, -45, 2800), GeoPoint.of(48.8566, 2.3522, 35), GeoPoint.of(0, 0, 0)));
        for (int i = 0; i < 6; i++) {
            out.add(GeoPoint.of(rnd.nextDouble() * 170 - 85, rnd.nextDouble() * 360 - 180, rnd.nextDouble() * 550 - 50));
        }
        return out;
    }

    private static Placement at(GeoPoint p) {
        return Placement.at(Location.manual(p, T));
    }

    private static GeoPoint raised(GeoPoint p, double dUp) {
        return GeoPoint.of(p.lat(), p.lon(), p.alt() + dUp);
    }

    @Test
    void boxEdgesAlongAcrossAndAbove() {
        Random rnd = new Random(1);
        for (double heading : new double[] {0, 37, 200.5, rnd.nextDouble() * 360}) {
            Scene.Box box = new Scene.Box(20, 3.2, 2.6, heading);
            double l = box.lengthM() / 2, w = box.widthM() / 2, h = box.heightM() / 2;
            for (GeoPoint o : origins(rnd)) {
                Placement me = at(o);
                for (int sign : new int[] {1, -1}) {
                    String where = "heading " + heading + " at " + o + " side " + sign;
                    assertThat(box.admits(me, at(Geodesy.destination(o, heading, sign * (l - 0.5))))).as("along inside, " + where).isTrue();
                    assertThat(box.admits(me, at(Geodesy.destination(o, heading, sign * (l + 1))))).as("along outside, " + where).isFalse();
                    assertThat(box.admits(me, at(Geodesy.destination(o, heading + 90, sign * (w - 0.5))))).as("across inside, " + where).isTrue();
                    assertThat(box.admits(me, at(Geodesy.destination(o, heading + 90, sign * (w + 1))))).as("across outside, " + where).isFalse();
                    assertThat(box.admits(me, at(raised(o, sign * (h - 0.5))))).as("up inside, " + where).isTrue();
                    assertThat(box.admits(me, at(raised(o, sign * (h + 1))))).as("up outside, " + where).isFalse();
                }
                // the length runs along the heading, not north: the same distance across is outside
                assertThat(box.admits(me, at(Geodesy.destination(o, heading + 90, l - 0.5)))).as("across by the length at " + o).isFalse();
            }
        }
    }

    @Test
    void unknownAltitudeInsideTheBoxFootprintIsAdmitted() {
        GeoPoint o = GeoPoint.of(52.52, 13.405, 40);
        Scene car = Scene.defaults(SceneKind.SUBWAY_CAR);
        GeoPoint along = Geodesy.destination(o, 0, 9);
        assertThat(car.admits(at(o), at(GeoPoint.of(along.lat(), along.lon())))).isTrue();
        assertThat(car.admits(at(GeoPoint.of(o.lat(), o.lon())), at(raised(along, 100)))).isTrue();
    }

    @Test
    void sphereCountsTheFloorsAboveAndBelow() {
        Random rnd = new Random(2);
        Scene small = new Scene.Sphere(SceneKind.INDOOR, 10), hall = Scene.defaults(SceneKind.SUBWAY_HALL);
        for (GeoPoint o : origins(rnd)) {
            Placement me = at(o);
            assertThat(small.admits(me, at(raised(o, 4)))).as("floor above at %s", o).isTrue();
            assertThat(small.admits(me, at(raised(o, -4)))).as("floor below at %s", o).isTrue();
            assertThat(small.admits(me, at(raised(o, 12)))).as("three floors up at %s", o).isFalse();
            assertThat(small.admits(me, at(raised(o, -12)))).as("three floors down at %s", o).isFalse();
            assertThat(hall.admits(me, at(raised(o, 99)))).isTrue();
            assertThat(hall.admits(me, at(raised(o, 101)))).isFalse();
            assertThat(hall.admits(me, at(Geodesy.fromEnu(o, new Enu(0, 60, 79))))).as("diagonal 99.2 m").isTrue();
            assertThat(hall.admits(me, at(Geodesy.fromEnu(o, new Enu(0, 60, 81))))).as("diagonal 100.7 m").isFalse();
            assertThat(hall.admits(me, at(Geodesy.fromEnu(o, new Enu(-70.7, 70.7, 0))))).isTrue();
            assertThat(hall.admits(me, at(Geodesy.fromEnu(o, new Enu(-71.5, 71.5, 0))))).isFalse();
        }
    }

    @Test
    void outdoorCircleIgnoresAltitude() {
        Random rnd = new Random(3);
        Scene outdoor = Scene.defaults(SceneKind.OUTDOOR);
        for (GeoPoint o : origins(rnd)) {
            double bearing = rnd.nextDouble() * 360;
            assertThat(outdoor.admits(at(o), at(raised(Geodesy.destination(o, bearing, 299), 1000)))).as("at %s", o).isTrue();
            assertThat(outdoor.admits(at(o), at(raised(o, -3000)))).isTrue();
            assertThat(outdoor.admits(at(o), at(Geodesy.destination(o, bearing, 301)))).as("at %s", o).isFalse();
        }
    }

    @Test
    void locationScenesRefuseAPlacementWithoutLocation() {
        Placement located = Placement.at(Location.manual(GeoPoint.of(1, 1, 0), T));
        Placement networkOnly = Placement.on("cell:1");
        for (SceneKind k : List.of(SceneKind.SUBWAY_CAR, SceneKind.SUBWAY_HALL, SceneKind.INDOOR, SceneKind.OUTDOOR)) {
            Scene s = Scene.defaults(k);
            assertThat(s.admits(located, networkOnly)).as(k.wire()).isFalse();
            assertThat(s.admits(networkOnly, located)).as(k.wire()).isFalse();
            assertThat(s.admits(located, located)).as(k.wire()).isTrue();
        }
    }

    @Test
    void sameNetworkMatchesOnSharedIdsOnly() {
        Scene same = Scene.defaults(SceneKind.SAME_NETWORK);
        Location paris = Location.manual(GeoPoint.of(48.8566, 2.3522), T), sydney = Location.manual(GeoPoint.of(-33.87, 151.21), T);
        Placement a = new Placement(paris, Set.of("cell:460-00-1", "cell:460-00-2"));
        assertThat(same.admits(a, new Placement(sydney, Set.of("cell:460-00-2")))).isTrue();
        assertThat(same.admits(a, Placement.on("cell:460-00-9", "cell:460-00-1"))).isTrue();
        assertThat(same.admits(a, new Placement(paris, Set.of("cell:460-00-3")))).isFalse();
        assertThat(same.admits(a, Placement.at(paris))).isFalse();
        assertThat(same.admits(Placement.at(paris), Placement.at(paris))).isFalse();
    }

    /**
     * A few thousand devices per scene at known offsets (exact ENU placement for boxes and spheres,
     * great-circle placement for circles): admission must match the offset's geometry, and every
     * admitted device must lie within the bounding radius both on the ground and in 3-D.
     */
    @Test
    void crowdsAgreeWithTheirPlacementAndStayInsideTheBoundingRadius() {
        Random rnd = new Random(20261121);
        List<Scene> scenes = List.of(Scene.defaults(SceneKind.SUBWAY_CAR), new Scene.Box(60, 4, 3, 37),
                new Scene.Box(500, 500, 500, 123), Scene.defaults(SceneKind.SUBWAY_HALL), new Scene.Sphere(SceneKind.INDOOR, 10),
                new Scene.Sphere(SceneKind.SUBWAY_HALL, 5000), Scene.defaults(SceneKind.OUTDOOR), new Scene.Circle(5000));
        List<GeoPoint> origins = origins(rnd);
        for (Scene scene : scenes) {
            int admitted = 0, total = 0;
            for (GeoPoint o : origins) {
                Placement me = at(o);
                for (int i = 0; i < 300; i++, total++) {
                    Device d = place(scene, o, rnd);
                    boolean admits = scene.admits(me, at(d.point));
                    if (d.expected != null) {
                        assertThat(admits).as("%s at %s, device %s", scene, o, d.point).isEqualTo(d.expected);
                    }
                    if (admits) {
                        admitted++;
                        assertBounded(scene, o, d.point);
                    }
                }
            }
            assertThat(admitted).as("crowd for %s is not all on one side", scene).isBetween(total / 10, total * 9 / 10);
        }
    }

    private static void assertBounded(Scene scene, GeoPoint o, GeoPoint p) {
        double bound = scene.boundingRadiusMeters();
        assertThat(Geodesy.haversineMeters(o, p)).as("ground distance, %s at %s", scene, o).isLessThanOrEqualTo(bound);
        boolean ignoresAltitude = scene instanceof Scene.Circle;
        GeoPoint a = ignoresAltitude ? GeoPoint.of(o.lat(), o.lon()) : o, b = ignoresAltitude ? GeoPoint.of(p.lat(), p.lon()) : p;
        assertThat(Geodesy.distance3dMeters(a, b)).as("3-D distance, %s at %s", scene, o).isLessThanOrEqualTo(bound);
    }

    /** A generated device and whether the scene should admit it (null: too close to the edge to say, or no altitude). */
    private record Device(GeoPoint point, Boolean expected) {
    }

    private static Device place(Scene scene, GeoPoint o, Random rnd) {
        double margin = 1e-6;
        return switch (scene) {
            case Scene.Box b -> {
                double along = spread(rnd, b.lengthM() / 2), across = spread(rnd, b.widthM() / 2), up = spread(rnd, b.heightM() / 2);
                double t = Math.toRadians(b.headingDeg());
                Enu offset = new Enu(along * Math.sin(t) + across * Math.cos(t), along * Math.cos(t) - across * Math.sin(t), up);
                double slack = Math.min(Math.min(b.lengthM() / 2 - Math.abs(along), b.widthM() / 2 - Math.abs(across)),
                        b.heightM() / 2 - Math.abs(up));
                yield device(Geodesy.fromEnu(o, offset), slack, margin, rnd);
            }
            case Scene.Sphere s -> {
                Enu offset = new Enu(spread(rnd, s.radiusM()), spread(rnd, s.radiusM()), spread(rnd, s.radiusM()));
                yield device(Geodesy.fromEnu(o, offset), s.radiusM() - offset.norm(), margin, rnd);
            }
            case Scene.Circle c -> {
                double ground = rnd.nextDouble() * 1.4 * c.radiusM();
                GeoPoint p = raised(Geodesy.destination(o, rnd.nextDouble() * 360, ground), rnd.nextDouble() * 3000 - 100);
                yield device(p, c.radiusM() - ground, margin, rnd);
            }
            case Scene.SameNetwork s -> throw new AssertionError("not a located scene");
        };
    }

    /** Uniform in ±1.4 half-extents, so a good share of the crowd falls outside. */
    private static double spread(Random rnd, double half) {
        return (rnd.nextDouble() * 2 - 1) * 1.4 * half;
    }

    /** One device in seven forgets its altitude: still bounded, but its admission is not the offset's. */
    private static Device device(GeoPoint p, double slack, double margin, Random rnd) {
        if (rnd.nextInt(7) == 0) {
            return new Device(GeoPoint.of(p.lat(), p.lon()), null);
        }
        return new Device(p, Math.abs(slack) < margin ? null : slack > 0);
    }
}
