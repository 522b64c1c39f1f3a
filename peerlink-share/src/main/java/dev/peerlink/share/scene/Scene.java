package dev.peerlink.share.scene;

import dev.peerlink.share.geo.Enu;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.geo.Geodesy;
import java.util.Collections;

/**
 * A sharing range around the requester: which other devices it {@link #admits}. Location-based
 * scenes admit nobody when either placement lacks a location.
 */
public sealed interface Scene {
    /** Largest sphere/circle radius (m): beyond this "nearby" stops meaning anything. */
    double MAX_RADIUS_M = 5000;
    /** Largest box side (m): a long train, not a town. */
    double MAX_BOX_M = 500;
    /**
     * {@link #boundingRadiusMeters} is the exact geometric bound times this: haversine on the mean
     * sphere can read up to ~0.6 % more than ellipsoid distance (north-south at the equator), and an
     * index measuring either way must not miss an admitted device.
     */
    double BOUND_SLACK = 1.01;

    SceneKind kind();

    /**
     * A radius around the requester that contains every device the scene admits, measured as ground
     * (haversine) distance or as {@link Geodesy#distance3dMeters} (for {@link Circle}, which ignores
     * altitude, at equal altitudes); for a spatial-index query. Infinite for {@link SameNetwork}.
     */
    double boundingRadiusMeters();

    boolean admits(Placement requester, Placement other);

    /** The scene a kind means when the requester gives no dimensions. */
    static Scene defaults(SceneKind kind) {
        return switch (kind) {
            case SUBWAY_CAR -> new Box(20, 3.2, 2.6, 0);
            case SUBWAY_HALL -> new Sphere(SceneKind.SUBWAY_HALL, 100);
            case INDOOR -> new Sphere(SceneKind.INDOOR, 30);
            case OUTDOOR -> new Circle(300);
            case SAME_NETWORK -> new SameNetwork();
        };
    }

    /**
     * The scene the CLI options describe ({@code --scene}, {@code --radius}, {@code --box LxWxH},
     * {@code --heading}); null options take the kind's defaults.
     *
     * @throws IllegalArgumentException for an unknown kind, a bad value, or an option the kind does not take
     */
    static Scene parse(String kind, Double radiusM, String boxLxWxH, Double headingDeg) {
        return SceneParser.parse(kind, radiusM, boxLxWxH, headingDeg);
    }

    /** SUBWAY_CAR: a box centred on the requester, length along {@code headingDeg} (clockwise from true north). */
    record Box(double lengthM, double widthM, double heightM, double headingDeg) implements Scene {
        public Box {
            requireSide("length", lengthM);
            requireSide("width", widthM);
            requireSide("height", heightM);
            if (!Double.isFinite(headingDeg)) {
                throw new IllegalArgumentException("heading must be a finite number of degrees, got " + headingDeg);
            }
            headingDeg = ((headingDeg % 360) + 360) % 360; // the outer % also folds a tiny negative's 360 to 0
        }

        @Override
        public SceneKind kind() {
            return SceneKind.SUBWAY_CAR;
        }

        @Override
        public double boundingRadiusMeters() {
            return BOUND_SLACK * Math.sqrt(lengthM * lengthM + widthM * widthM + heightM * heightM) / 2;
        }

        @Override
        public boolean admits(Placement requester, Placement other) {
            if (!requester.hasLocation() || !other.hasLocation()) {
                return false;
            }
            Enu d = Geodesy.enu(requester.location().point(), other.location().point());
            double theta = Math.toRadians(headingDeg), sin = Math.sin(theta), cos = Math.cos(theta);
            double along = d.east() * sin + d.north() * cos;
            double across = d.east() * cos - d.north() * sin;
            return Math.abs(along) <= lengthM / 2 && Math.abs(across) <= widthM / 2 && Math.abs(d.up()) <= heightM / 2;
        }

        private static void requireSide(String name, double m) {
            if (!(m > 0 && m <= MAX_BOX_M)) { // also refuses NaN
                throw new IllegalArgumentException("box " + name + " must be in (0, " + MAX_BOX_M + "] m, got " + m);
            }
        }
    }

    /** SUBWAY_HALL or INDOOR: a 3-D ball, so another floor counts by its height difference. */
    record Sphere(SceneKind kind, double radiusM) implements Scene {
        public Sphere {
            if (kind != SceneKind.SUBWAY_HALL && kind != SceneKind.INDOOR) {
                throw new IllegalArgumentException("a sphere scene is subway-hall or indoor, not " + (kind == null ? null : kind.wire()));
            }
            requireRadius(radiusM);
        }

        @Override
        public double boundingRadiusMeters() {
            return BOUND_SLACK * radiusM;
        }

        @Override
        public boolean admits(Placement requester, Placement other) {
            return requester.hasLocation() && other.hasLocation()
                    && Geodesy.distance3dMeters(requester.location().point(), other.location().point()) <= radiusM;
        }
    }

    /** OUTDOOR: ground distance only; altitude is too noisy outdoors to count. */
    record Circle(double radiusM) implements Scene {
        public Circle {
            requireRadius(radiusM);
        }

        @Override
        public SceneKind kind() {
            return SceneKind.OUTDOOR;
        }

        @Override
        public double boundingRadiusMeters() {
            return BOUND_SLACK * radiusM;
        }

        @Override
        public boolean admits(Placement requester, Placement other) {
            if (!requester.hasLocation() || !other.hasLocation()) {
                return false;
            }
            GeoPoint a = requester.location().point(), b = other.location().point();
            return Geodesy.haversineMeters(a, b) <= radiusM;
        }
    }

    /** SAME_NETWORK: devices sharing at least one network id, wherever they are. */
    record SameNetwork() implements Scene {
        @Override
        public SceneKind kind() {
            return SceneKind.SAME_NETWORK;
        }

        @Override
        public double boundingRadiusMeters() {
            return Double.POSITIVE_INFINITY;
        }

        @Override
        public boolean admits(Placement requester, Placement other) {
            return !Collections.disjoint(requester.networks(), other.networks());
        }
    }

    private static void requireRadius(double r) {
        if (!(r > 0 && r <= MAX_RADIUS_M)) { // also refuses NaN
            throw new IllegalArgumentException("radius must be in (0, " + MAX_RADIUS_M + "] m, got " + r);
        }
    }
}
