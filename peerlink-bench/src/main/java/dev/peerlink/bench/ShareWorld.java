package dev.peerlink.bench;

import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.scene.Scene;
import dev.peerlink.share.scene.SceneKind;
import dev.peerlink.share.wire.AccessPolicy;
import dev.peerlink.share.wire.LinkState;
import dev.peerlink.share.wire.Limits;
import dev.peerlink.share.wire.ServiceType;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareOffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The share benchmark's synthetic city: N providers spread uniformly over a disc around a city centre (seeded), each
 * with a fixed profile (offer, state, policy, networks) derived from its index, and a current position that refreshes
 * move by up to 20 m. Positions live in primitive arrays so that measuring the registry's heap does not count them.
 */
final class ShareWorld {
    static final GeoPoint CENTRE = GeoPoint.of(31.2304, 121.4737);
    /** Cell ids are assigned on a grid of this pitch (metres): neighbouring providers share a cell, as in a real city. */
    private static final double CELL_PITCH_M = 600;
    private static final HexFormat HEX = HexFormat.of();

    final int n;
    final double radiusM;
    private final long seed;
    private final String[] ids;
    private final double[] lat, lon, alt;
    private final Random moves;

    ShareWorld(int n, double radiusKm, long seed) {
        this.n = n;
        this.radiusM = radiusKm * 1000;
        this.seed = seed;
        this.ids = new String[n];
        this.lat = new double[n];
        this.lon = new double[n];
        this.alt = new double[n];
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            GeoPoint p = uniformPoint(r, floorAltitude(r));
            lat[i] = p.lat();
            lon[i] = p.lon();
            alt[i] = p.alt();
        }
        this.moves = new Random(seed ^ 0x5DEECE66DL);
    }

    /** Provider i's device id, made on first use (so a heap measurement around the first fill counts it). */
    String id(int i) {
        String id = ids[i];
        if (id == null) {
            id = ids[i] = "prov-" + (10_000_000 + i); // fixed width, cheaper than String.format
        }
        return id;
    }

    GeoPoint position(int i) {
        return new GeoPoint(lat[i], lon[i], alt[i]);
    }

    /** Moves every provider by up to 20 m in a random direction (a refresh round). */
    void moveAll() {
        for (int i = 0; i < n; i++) {
            GeoPoint p = Geodesy.destination(position(i), moves.nextDouble() * 360, moves.nextDouble() * 20);
            lat[i] = p.lat();
            lon[i] = p.lon();
        }
    }

    /** A point uniform over the city disc. */
    GeoPoint uniformPoint(Random r, double altitude) {
        double d = radiusM * Math.sqrt(r.nextDouble());
        GeoPoint p = Geodesy.destination(CENTRE, r.nextDouble() * 360, d);
        return new GeoPoint(p.lat(), p.lon(), altitude);
    }

    /** 70 % of devices know their altitude (0-60 m: street to 20th floor); the rest report none. */
    static double floorAltitude(Random r) {
        return r.nextDouble() < 0.7 ? r.nextDouble() * 60 : Double.NaN;
    }

    /** Provider i's announce at its current position, stamped {@code timeMillis}, as the SDK sends it. */
    ShareBody.Announce announce(int i, long timeMillis) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
        Location at = new Location(position(i), 3 + r.nextDouble() * 12, LocationSource.GNSS, timeMillis);
        List<String> networks = new ArrayList<>(2);
        networks.add(cellId(lat[i], lon[i]));
        if (r.nextDouble() < 0.5) {
            byte[] h = new byte[16];
            r.nextBytes(h);
            networks.add("wifi:" + HEX.formatHex(h));
        }
        double hint = r.nextDouble();
        List<String> hints = hint < 0.5 ? List.of("outdoor") : hint < 0.8 ? List.of("subway-hall") : List.of();
        Set<ServiceType> services = r.nextDouble() < 0.9 ? EnumSet.of(ServiceType.SOCKS5, ServiceType.HTTP_CONNECT)
                : EnumSet.of(ServiceType.HTTP_CONNECT);
        List<String> links = r.nextDouble() < 0.5 ? List.of("wifi-hotspot", "band/5ghz") : List.of();
        Limits limits = r.nextDouble() < 0.3 ? new Limits(3, 20_000, 1_000_000_000L, List.of(80, 443)) : Limits.NONE;
        ShareOffer offer = new ShareOffer(services, links, ShareOffer.Auth.PEER_KEY, limits);
        double down = 5_000 + r.nextDouble() * 95_000;
        String[] types = {"5g", "4g", "wifi"};
        LinkState state = new LinkState(true, down, down / 4, 15 + r.nextDouble() * 65, r.nextDouble(),
                r.nextDouble() < 0.6, r.nextDouble() < 0.9 ? 20 + r.nextInt(81) : -1, types[r.nextInt(3)]);
        double p = r.nextDouble();
        AccessPolicy policy = p < 0.85 ? AccessPolicy.ANYONE : p < 0.95 ? AccessPolicy.CONTACTS
                : new AccessPolicy(AccessPolicy.Mode.LIST, Set.of("friend-a", "friend-b"));
        return new ShareBody.Announce(at, networks, hints, offer, state, policy);
    }

    /** The mobile cell serving a point: a grid square id, so a few hundred providers share each. */
    private static String cellId(double lat, double lon) {
        long row = Math.round(lat * 111_320 / CELL_PITCH_M);
        long col = Math.round(lon * 111_320 * Math.cos(Math.toRadians(lat)) / CELL_PITCH_M);
        return "cell:460-00-" + row + "-" + col;
    }

    /** The scenes measured: the defaults of docs/sharing.md, a subway car at a random heading, and a wide circle. */
    enum FindScene {
        OUTDOOR("outdoor 300 m"), SUBWAY_HALL("subway-hall 100 m"), SUBWAY_CAR("subway-car 20x3.2x2.6 box"),
        INDOOR("indoor 30 m"), WIDE("outdoor 2 km (extra: hits the 512-candidate cap)");

        final String label;

        FindScene(String label) {
            this.label = label;
        }

        Scene scene(Random r) {
            return switch (this) {
                case OUTDOOR -> Scene.defaults(SceneKind.OUTDOOR);
                case SUBWAY_HALL -> Scene.defaults(SceneKind.SUBWAY_HALL);
                case SUBWAY_CAR -> new Scene.Box(20, 3.2, 2.6, r.nextDouble() * 360);
                case INDOOR -> Scene.defaults(SceneKind.INDOOR);
                case WIDE -> new Scene.Circle(2000);
            };
        }

        /** Outdoors nobody knows its floor; indoors and underground a device often does. */
        double altitude(Random r) {
            return this == OUTDOOR || this == WIDE ? Double.NaN : floorAltitude(r);
        }
    }
}
